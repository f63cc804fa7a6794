/**
 * Whether the process that took a lock on this host still runs. A pid alone is not enough: a zombie
 * still answers kill(pid, 0), a pid is reused after the holder died, and a reboot resets pids. So a
 * lock also records its holder's kernel start time and the boot id, and a holder counts as alive only
 * while all three still match. A hostname alone does not make "this host" (two VMs or containers may
 * share one over a network home): the machine id and the pid namespace must match too, or nothing is judged.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

export interface HolderIdentity {
  host: string;
  pid: number;
  /** Clock ticks after boot at which the process started (/proc/<pid>/stat field 22). */
  startTime?: string;
  /** /proc/sys/kernel/random/boot_id: a new one after every boot. */
  bootId?: string;
  /** /etc/machine-id: which machine, whatever its hostname. */
  machineId?: string;
  /** /proc/self/ns/pid: pids mean something only inside the namespace they were read in. */
  pidNamespace?: string;
}

export function thisProcess(): HolderIdentity {
  const found = { startTime: procStat(process.pid)?.startTime, ...hostIdentity() };
  const known = Object.fromEntries(Object.entries(found).filter(([, v]) => v !== undefined)) as Partial<HolderIdentity>;
  return { host: hostname(), pid: process.pid, ...known };
}

/** True when the holder was on this host and is certainly gone; a lock from another host is never judged. */
export function holderIsGone(holder: HolderIdentity): boolean {
  if (holder.host !== hostname()) return false;
  const here = hostIdentity();
  if (differs(holder.machineId, here.machineId) || differs(holder.pidNamespace, here.pidNamespace)) return false;
  if (holder.machineId && holder.machineId === here.machineId && differs(holder.bootId, here.bootId)) return true;
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

function differs(recorded: string | undefined, current: string | undefined): boolean {
  return recorded !== undefined && current !== undefined && recorded !== current;
}

function hostIdentity(): { bootId?: string; machineId?: string; pidNamespace?: string } {
  return { bootId: readText('/proc/sys/kernel/random/boot_id'), machineId: readText('/etc/machine-id'), pidNamespace: readLink('/proc/self/ns/pid') };
}

function readText(file: string): string | undefined {
  try { return readFileSync(file, 'utf8').trim() || undefined; } catch { return undefined; }
}

function readLink(file: string): string | undefined {
  try { return readlinkSync(file) || undefined; } catch { return undefined; }
}
