/** Running a command as another OS user, from the agent (root). */
import type { OsUser } from './os-user.js';

export const SETPRIV = '/usr/bin/setpriv';

/** setpriv (util-linux) switches uid, gid and supplementary groups, then execs: same pid, no shell. */
export function runAs(user: OsUser | undefined, argv: string[]): string[] {
  if (!user) return argv;
  return [SETPRIV, '--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', '--', ...argv];
}
