import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdoptedProcess } from './adopted-process.js';
import type { AppSpec, ProcessSpec } from './types.js';

/** A process the supervisor runs: its own child, or one adopted from an earlier agent. */
export type Child = ChildProcess | AdoptedProcess;

/** Stamped on every process so a later agent can find, adopt or clean up what an earlier one started. */
export interface ProcessStamp { owner: string; digest: string }
export const STAMP_ENV = { owner: 'OMNITRON_SUPERVISOR', digest: 'OMNITRON_SPEC_DIGEST' } as const;

const GROUP_POLL_MS = 25;
const KILL_GRACE_MS = 2_000;

/** Spawns one process as the leader of its own process group so signals reach its children too. */
export function spawnProcess(app: AppSpec, proc: ProcessSpec, opts: { outputFd?: number; stamp?: ProcessStamp } = {}): ChildProcess {
  const [command, ...args] = proc.argv;
  if (!command) throw new Error(`${app.name}/${proc.name}: argv is empty`);
  const out = opts.outputFd ?? 'pipe';
  const stdio: StdioOptions = proc.ipc ? ['ignore', out, out, 'ipc'] : ['ignore', out, out];
  const stamp = opts.stamp ? { [STAMP_ENV.owner]: opts.stamp.owner, [STAMP_ENV.digest]: opts.stamp.digest } : {};
  return spawn(command, args, { cwd: app.cwd, env: { ...childEnv(app, proc), ...stamp }, detached: true, stdio });
}

export function childEnv(app: AppSpec, proc?: ProcessSpec): NodeJS.ProcessEnv {
  const ids = { OMNITRON_MANAGED: '1', OMNITRON_APP_NAME: app.name, ...(proc ? { OMNITRON_PROCESS_NAME: proc.name } : {}) };
  return { ...process.env, ...app.env, ...proc?.env, ...ids };
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try { process.kill(-pgid, signal); } catch { /* group already gone */ }
}

/**
 * True while a live (non-zombie) member of the group remains. kill(-pgid, 0) alone is not enough:
 * where PID 1 does not reap orphans (containers), exited grandchildren linger as zombies.
 */
export async function groupAlive(pgid: number): Promise<boolean> {
  try { process.kill(-pgid, 0); } catch { return false; }
  if (process.platform !== 'linux') return true;
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  const states = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')));
  return states.some((stat) => liveMemberOf(stat, pgid));
}

function liveMemberOf(stat: string, pgid: number): boolean {
  if (!stat) return false;
  const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(pgrp) === pgid && state !== 'Z' && state !== 'X';
}

export function exited(child: Child): boolean {
  if ('gone' in child) return child.gone;
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

/** Resolves once the leader has exited (immediately if it already has). */
export function leaderExit(child: Child): Promise<void> {
  if (exited(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function groupGone(child: Child, pgid: number, deadline: number): Promise<boolean> {
  await within(leaderExit(child), deadline - Date.now());
  while (exited(child) && Date.now() < deadline) {
    if (!(await groupAlive(pgid))) return true;
    await sleep(GROUP_POLL_MS);
  }
  return exited(child) && !(await groupAlive(pgid));
}

function within(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, Math.max(0, ms)); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * SIGTERM to the whole group, wait up to `timeoutMs` for every member to go, then SIGKILL the group.
 * Returns 'killed' when SIGKILL was needed. Also used to reap what a crashed leader left behind.
 */
export async function terminateGroup(child: Child, timeoutMs: number): Promise<'exited' | 'killed'> {
  const pgid = child.pid;
  if (pgid === undefined) return 'exited';
  if (exited(child) && !(await groupAlive(pgid))) return 'exited';
  signalGroup(pgid, 'SIGTERM');
  if (await groupGone(child, pgid, Date.now() + timeoutMs)) return 'exited';
  signalGroup(pgid, 'SIGKILL');
  await groupGone(child, pgid, Date.now() + KILL_GRACE_MS);
  return 'killed';
}
