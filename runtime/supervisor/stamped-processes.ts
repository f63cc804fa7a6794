/**
 * Finds the process groups an earlier supervisor with the same owner started: group leaders whose
 * environment carries the owner stamp. Reading another process's environment needs the same user
 * or root, which the agent is for every process it started.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { processStartTime } from './adopted-process.js';
import { STAMP_ENV } from './process-group.js';

export interface StampedProcess { pid: number; startTime: string; app: string; process: string; digest: string }

/** `owner`: the exact owner, or a test of it (the integration tests' teardown takes every owner under the temp dir). */
export function findStampedProcesses(owner: string | ((owner: string) => boolean)): StampedProcess[] {
  const matches = typeof owner === 'string' ? (o: string) => o === owner : owner;
  const found: StampedProcess[] = [];
  for (const entry of safeList('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const stamped = readStamp(Number(entry), matches);
    if (stamped) found.push(stamped);
  }
  return found;
}

function readStamp(pid: number, matches: (owner: string) => boolean): StampedProcess | undefined {
  let environ: string;
  try { environ = readFileSync(`/proc/${pid}/environ`, 'latin1'); } catch { return undefined; }
  if (!environ.includes(`${STAMP_ENV.owner}=`) || !isGroupLeader(pid)) return undefined;
  const env = new Map(environ.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const startTime = processStartTime(pid);
  const app = env.get('OMNITRON_APP_NAME');
  const proc = env.get('OMNITRON_PROCESS_NAME');
  const owner = env.get(STAMP_ENV.owner);
  if (owner === undefined || !matches(owner) || !startTime || !app || !proc) return undefined;
  return { pid, startTime, app, process: proc, digest: env.get(STAMP_ENV.digest) ?? '' };
}

function isGroupLeader(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pid;
  } catch {
    return false;
  }
}

function safeList(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}
