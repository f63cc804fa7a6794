/**
 * Global teardown of the integration tests: apps outlive their agent by design (an upgrade or a
 * crash hands them to the next agent), so a test that SIGKILLs an agent leaves its apps running.
 * This stops every app group an agent started from a temp directory, i.e. by a test; an agent
 * running from anywhere else (a developer's `npm run demo`) is never touched.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { STAMP_ENV } from '../../runtime/supervisor/process-group.js';

export default function setup(): () => void {
  return () => {
    const stamp = `${STAMP_ENV.owner}=${os.tmpdir()}/`;
    for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number)) {
      let environ: string;
      try { environ = readFileSync(`/proc/${pid}/environ`, 'latin1'); } catch { continue; }
      if (!environ.split('\0').some((kv) => kv.startsWith(stamp))) continue;
      try { process.kill(-pid, 'SIGKILL'); } catch { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    }
  };
}
