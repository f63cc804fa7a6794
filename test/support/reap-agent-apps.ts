/**
 * Global setup of the integration tests. Each run gets its own temp directory (TMPDIR, inherited by
 * the workers, the CLIs and agents they start), so runs from several checkouts on one machine never
 * touch each other's files or apps.
 *
 * Teardown: apps outlive their agent by design (an upgrade or a crash hands them to the next
 * agent), so a test that SIGKILLs an agent leaves its apps running. This stops every app group an
 * agent of this run started; an agent running from anywhere else (a developer's `npm run demo`,
 * another checkout's test run) is never touched.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { findStampedProcesses } from '../../runtime/supervisor/stamped-processes.js';

export default function setup(): () => void {
  const runDir = mkdtempSync('/tmp/ot-');
  // Like /tmp itself: tests run apps as unprivileged users, which must reach their files here.
  chmodSync(runDir, 0o1777);
  process.env.TMPDIR = runDir;
  return () => {
    for (const { pid } of findStampedProcesses((owner) => owner.startsWith(`${runDir}/`))) {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    }
    rmSync(runDir, { recursive: true, force: true });
  };
}
