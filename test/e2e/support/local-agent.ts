/** The local agent of a test project's dev stack, seen from outside: its pid file, status.json, processes. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from '../../support/wait.js';

export interface AgentApp { name: string; state: string; restarts: number; processes: Array<{ pid?: number }> }
export interface AgentStatusFile { agent: { pid: number; state: string; generation: number }; apps: AgentApp[] }

export function agentPaths(stackDir: string) {
  const dir = join(stackDir, 'agent');
  return { pidFile: join(dir, 'agent.pid'), manifest: join(dir, 'manifest.json'), status: join(dir, 'state', 'status.json') };
}

export async function readAgentPid(stackDir: string): Promise<number | undefined> {
  const text = await readFile(agentPaths(stackDir).pidFile, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : Number(text.trim());
}

export async function readAgentStatus(stackDir: string): Promise<AgentStatusFile> {
  return JSON.parse(await readFile(agentPaths(stackDir).status, 'utf8')) as AgentStatusFile;
}

/** Alive and not a zombie. */
export async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]);
}

export async function commandLine(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ').trim();
}

/** Pids of live processes whose command line mentions `text` (this process excluded). */
export async function processesMentioning(text: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number).filter((pid) => pid !== process.pid);
  const lines = await Promise.all(pids.map(async (pid) => [pid, await commandLine(pid)] as const));
  const found = lines.filter(([, line]) => line.includes(text)).map(([pid]) => pid);
  return (await Promise.all(found.map(async (pid) => ((await alive(pid)) ? pid : undefined)))).filter((p): p is number => p !== undefined);
}

export function waitUntil<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  return waitFor(probe, what, timeoutMs, 200);
}

/**
 * Test cleanup: the agent gets SIGTERM and time to stop its apps in order, as `omnitron destroy`
 * would; whatever still runs from the project copy afterwards (an app orphaned by a killed agent) is killed.
 */
export async function stopLocalAgent(stackDir: string, projectDir: string): Promise<void> {
  const pid = await readAgentPid(stackDir);
  if (pid && (await commandLine(pid)).includes(agentPaths(stackDir).manifest)) {
    try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
    await waitUntil(async () => !(await alive(pid)), `agent ${pid} to stop`, 60_000).catch(() => undefined);
  }
  for (const leftover of await processesMentioning(`${projectDir}/`)) {
    try { process.kill(leftover, 'SIGKILL'); } catch { /* already gone */ }
  }
}
