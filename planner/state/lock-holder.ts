/**
 * Whether the process that took a lock on this host still runs. A pid alone is not enough: a zombie
 * still answers kill(pid, 0), a pid is reused after the holder died, and a reboot resets pids. So a
 * lock also records its holder's kernel start time and the boot id, and a holder counts as alive only
 * while all three still match.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface HolderIdentity {
  host: string;
  pid: number;
  /** Clock ticks after boot at which the process started (/proc/<pid>/stat field 22). */
  startTime?: string;
  /** /proc/sys/kernel/random/boot_id: a new one after every boot. */
  bootId?: string;
}

export function thisProcess(): HolderIdentity {
  const startTime = procStat(process.pid)?.startTime;
  const bootId = readBootId();
  return { host: hostname(), pid: process.pid, ...(startTime ? { startTime } : {}), ...(bootId ? { bootId } : {}) };
}

/** True when the holder was on this host and is certainly gone; a lock from another host is never judged. */
export function holderIsGone(holder: HolderIdentity): boolean {
  if (holder.host !== hostname()) return false;
  const bootId = readBootId();
  if (holder.bootId && bootId && holder.bootId !== bootId) return true;
  if (!pidExists(holder.pid)) return true;
  const stat = procStat(holder.pid);
  if (!stat) return false;
  if (stat.state === 'Z' || stat.state === 'X') return true;
  return holder.startTime !== undefined && stat.startTime !== holder.startTime;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, it is another user's.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** State and start time of a process, where /proc has them (Linux); undefined elsewhere. */
function procStat(pid: number): { state: string; startTime: string } | undefined {
  let stat: string;
  try { stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { return undefined; }
  // The command name in parentheses may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields.length > 19 ? { state: fields[0], startTime: fields[19] } : undefined;
}

function readBootId(): string | undefined {
  try { return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined; } catch { return undefined; }
}
