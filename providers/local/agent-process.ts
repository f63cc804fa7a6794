/**
 * The local agent as an operating-system process: its pid file, telling our agent from whatever now
 * holds a recycled pid (its command line must name this stack's manifest), starting it detached so
 * it outlives the CLI, stopping it the way systemd would (SIGTERM, a grace period, SIGKILL), and
 * finding the apps an agent that died left behind (they carry its stamp).
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { AGENT_NODE_FLAGS } from '../../contract/agent/layout.js';

const POLL_MS = 100;
const KILL_GRACE_MS = 5_000;
/** What the agent inherits from the CLI's environment: enough to run, none of the CLI's secrets (state key, tokens). */
const INHERITED = /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|LC_[A-Z]+|TZ|TMPDIR)$/;

export interface AgentCommand {
  node: string;
  bundle: string;
  manifestPath: string;
}

export function agentArgv(cmd: AgentCommand): string[] {
  return [cmd.node, ...AGENT_NODE_FLAGS, cmd.bundle, 'run', '--manifest', cmd.manifestPath];
}

/** Undefined when there is no pid file or it holds no pid. */
export async function readPidFile(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The node and bundle `pid` runs, when it is a live agent for `manifestPath` started from one of
 * `bundles`; undefined for a dead process, a zombie, or any other program.
 */
export async function agentIdentity(pid: number, manifestPath: string, bundles: readonly string[]): Promise<{ node: string; bundle: string } | undefined> {
  if (process.platform === 'linux') {
    const argv = await readFile(`/proc/${pid}/cmdline`, 'utf8').then((t) => t.split('\0').slice(0, -1), () => []);
    const [node, bundle, run, flag, manifest] = [argv[0], ...argv.slice(1).filter((a) => !AGENT_NODE_FLAGS.includes(a))];
    return run === 'run' && flag === '--manifest' && manifest === manifestPath && bundles.includes(bundle) ? { node, bundle } : undefined;
  }
  // Elsewhere ps prints the command line with spaces between arguments: match the known tail.
  const text = await promisify(execFile)('ps', ['-p', String(pid), '-o', 'command=']).then((r) => r.stdout.trim(), () => '');
  const bundle = bundles.find((b) => text.endsWith(` ${b} run --manifest ${manifestPath}`));
  const head = bundle ? text.slice(0, text.length - ` ${bundle} run --manifest ${manifestPath}`.length) : '';
  const flags = ` ${AGENT_NODE_FLAGS.join(' ')}`;
  return bundle ? { node: head.endsWith(flags) ? head.slice(0, -flags.length) : head, bundle } : undefined;
}

/**
 * The live agent for `manifestPath`: the pid file's, or (the pid file lost, e.g. the CLI was killed
 * between starting the agent and writing it) one found among this machine's processes.
 */
export async function findAgent(pidFile: string, manifestPath: string, bundles: readonly string[]): Promise<{ pid: number; node: string; bundle: string } | undefined> {
  const recorded = await readPidFile(pidFile);
  const candidates = recorded === undefined ? [] : [recorded];
  if (process.platform === 'linux') candidates.push(...(await readdir('/proc').catch(() => [])).filter((n) => /^\d+$/.test(n)).map(Number).filter((p) => p !== recorded && p !== process.pid));
  for (const pid of candidates) {
    const found = await agentIdentity(pid, manifestPath, bundles);
    if (found) return { pid, ...found };
  }
  return undefined;
}

export function agentEnvironment(own: Record<string, string>, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(from)) if (v !== undefined && INHERITED.test(k)) env[k] = v;
  return { ...env, ...own };
}

export interface StartedAgent {
  pid: number;
  /** Set once the process has exited (while this CLI still runs). */
  exit(): string | undefined;
}

/** Detached in its own session, output appended to `logFile`: it keeps running after the CLI exits. */
export function spawnAgent(cmd: AgentCommand, env: Record<string, string>, cwd: string, logFile: string): StartedAgent {
  const log = openSync(logFile, 'a', 0o600);
  try {
    const [command, ...args] = agentArgv(cmd);
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', log, log] });
    let ended: string | undefined;
    child.once('exit', (code, signal) => { ended = signal ? `signal ${signal}` : `exit code ${code}`; });
    child.once('error', (err: NodeJS.ErrnoException) => { ended = `could not start: ${err.code ?? err.message}`; });
    child.unref();
    if (child.pid === undefined) return { pid: 0, exit: () => ended ?? 'could not start' };
    return { pid: child.pid, exit: () => ended };
  } finally {
    closeSync(log);
  }
}

/** Some live process (any program; a zombie waiting to be reaped does not count) has this pid. */
export async function pidInUse(pid: number): Promise<boolean> {
  if (process.platform === 'linux') {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    return stat !== '' && !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]);
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** Until `alive()` is false or the deadline passes; true when it went. */
async function gone(alive: () => Promise<boolean>, ms: number, abort: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (await alive()) {
    if (Date.now() > deadline) return false;
    await sleep(POLL_MS, undefined, { signal: abort });
  }
  return true;
}

/** SIGTERM, up to `graceMs` for the agent to stop its apps, then SIGKILL. */
export async function stopProcess(pid: number, alive: () => Promise<boolean>, graceMs: number, abort: AbortSignal): Promise<'exited' | 'killed'> {
  signal(pid, 'SIGTERM');
  if (await gone(alive, graceMs, abort)) return 'exited';
  signal(pid, 'SIGKILL');
  await gone(alive, KILL_GRACE_MS, abort);
  return 'killed';
}
