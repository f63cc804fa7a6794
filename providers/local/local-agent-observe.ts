/**
 * What a local agent looks like from the outside: its pid file and whether that pid is still our
 * agent, the manifest and environment files on disk, the inputs it was last (re)started or reloaded
 * with (a marker apply writes, tied to the pid), and its status.json for runtime drift.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Json } from '../../planner/expr.js';
import { runtimeIssues } from '../agent/runtime-issues.js';
import type { Observed } from '../../planner/resource.js';
import { findAgent, pidInUse, readPidFile } from './agent-process.js';
import { readStatus } from './agent-files.js';
import type { AgentStatusDoc } from '../../contract/agent/status.js';
import { parseEnv } from '../../contract/env-file-format.js';

export const LOCAL_AGENT_TYPE = 'local_agent';

/** The paths observe needs: state's when the agent was applied before, the config's otherwise. */
export interface AgentTarget {
  manifestPath: string;
  pidFile: string;
  logFile: string;
  statusFile: string;
  envFile: string;
  /** Bundles the running agent may have been started from (state's and the config's). */
  bundles: string[];
  /** Runtime issues are reported for this target name (`local`). */
  target: string;
}

/** Written by apply beside the pid file: what the agent with that pid runs with, which its process does not show. */
export interface InputsMarker { pid: number; bundleSha256: string; reloadInputs: string }

export function markerPath(pidFile: string): string {
  return path.join(path.dirname(pidFile), 'agent.inputs.json');
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function readMarker(file: string): Promise<InputsMarker | undefined> {
  const text = await readText(file);
  try {
    const m = text === undefined ? undefined : (JSON.parse(text) as Partial<InputsMarker>);
    return typeof m?.pid === 'number' && typeof m.bundleSha256 === 'string' && typeof m.reloadInputs === 'string' ? (m as InputsMarker) : undefined;
  } catch {
    return undefined;
  }
}

/** Undefined when the agent left nothing behind (never started, or removed). */
export async function readLocalAgent(address: string, t: AgentTarget): Promise<Observed | undefined> {
  const [recorded, manifest, env, marker] = await Promise.all([readPidFile(t.pidFile), readText(t.manifestPath), readText(t.envFile), readMarker(markerPath(t.pidFile))]);
  if (recorded === undefined && manifest === undefined && env === undefined) return undefined;
  const live = await findAgent(t.pidFile, t.manifestPath, t.bundles);
  const pid = live?.pid ?? recorded;
  const inputs = live && marker?.pid === pid ? marker : undefined;
  const status = await readStatus(t.statusFile);
  const attributes: Json = {
    manifestPath: t.manifestPath, manifest: manifest ?? null,
    bundle: live?.bundle ?? null, bundleSha256: inputs?.bundleSha256 ?? null, node: live?.node ?? null,
    pidFile: t.pidFile, logFile: t.logFile, statusFile: t.statusFile, envFile: t.envFile,
    environment: env === undefined ? {} : parseEnv(env),
    reloadInputs: inputs?.reloadInputs ?? null,
  };
  const ours = live && status?.agent?.pid === pid ? status : undefined;
  const runtime = ours ? runtimeIssues(t.target, ours) : [];
  return {
    address, type: LOCAL_AGENT_TYPE, ...(live ? { id: String(pid) } : {}), status: live ? 'running' : 'stopped', attributes,
    notes: [await describe(pid, live !== undefined, status)],
    ...(runtime.length > 0 ? { runtime } : {}),
  };
}

async function describe(pid: number | undefined, running: boolean, status: AgentStatusDoc | undefined): Promise<string> {
  if (running) return `agent running (pid ${pid})`;
  const last = status?.agent?.pid === pid && status?.agent?.reason ? `: ${status.agent.reason}` : '';
  if (pid === undefined) return 'agent not running (no pid file)';
  return (await pidInUse(pid)) ? `agent not running (pid ${pid} is now another process)` : `agent not running (pid ${pid} is gone${last})`;
}
