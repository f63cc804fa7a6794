/**
 * Global teardown of the integration tests: apps outlive their agent by design (an upgrade or a
 * crash hands them to the next agent), so a test that SIGKILLs an agent leaves its apps running.
 * This stops every app group an agent started from a temp directory, i.e. by a test; an agent
 * running from anywhere else (a developer's `npm run demo`) is never touched.
 */
import os from 'node:os';
import { findStampedProcesses } from '../../runtime/supervisor/stamped-processes.js';

export default function setup(): () => void {
  return () => {
    for (const { pid } of findStampedProcesses((owner) => owner.startsWith(`${os.tmpdir()}/`))) {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    }
  };
}
