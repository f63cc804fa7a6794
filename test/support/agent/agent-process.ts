/** Runs the bundled agent as a real process for the integration tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { agentPaths, agentRequest } from '../../../runtime/agent/client.js';
import type { AgentManifest } from '../../../contract/agent/manifest.js';
import type { AppStatus, AgentStatus } from '../../../contract/agent/status.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** The same esbuild options as scripts/bundle.mjs uses for dist/runtime/agent.bundle.mjs. */
export async function buildAgentBundle(outfile: string): Promise<string> {
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  await build({
    bundle: true, platform: 'node', format: 'esm', target: 'node24', logLevel: 'warning', legalComments: 'none',
    entryPoints: [path.join(ROOT, 'runtime/agent/main.ts')], outfile,
    banner: { js: "import { createRequire as __omnitronCreateRequire } from 'node:module'; const require = __omnitronCreateRequire(import.meta.url);" },
    define: { __OMNITRON_VERSION__: JSON.stringify(version) },
  });
  return outfile;
}

export interface AgentProcess {
  child: ChildProcess;
  logs: Array<Record<string, unknown>>;
  exit: Promise<number | null>;
}

export function spawnAgent(bundle: string, manifestPath: string): AgentProcess {
  const child = spawn(process.execPath, [bundle, 'run', '--manifest', manifestPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => process.stderr.write(`[agent stderr] ${chunk}`));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, logs, exit };
}

export function runClient(bundle: string, args: string[], token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle, 'client', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(`${token}\n`);
  });
}

export function writeManifest(file: string, manifest: AgentManifest): void {
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function fetchStatus(socketPath: string, token: string): Promise<AgentStatus> {
  return (await agentRequest<AgentStatus>({ socketPath, token, method: 'GET', path: agentPaths.status })).body;
}

export function pidsOf(app: AppStatus | undefined): number[] {
  return (app?.processes ?? []).map((p) => p.pid).filter((pid): pid is number => pid !== undefined);
}

/** Alive and not a zombie (an orphan nobody reaps would otherwise look alive). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]);
  } catch {
    return false;
  }
}

export { waitFor } from '../wait.js';
