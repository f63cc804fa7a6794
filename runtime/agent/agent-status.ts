/** The agent's status document: the body of GET /v1/status and of <stateDir>/status.json. */
import type { AppStatus } from '../supervisor/types.js';
import { AGENT_VERSION } from './version.js';

export type AgentState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface AgentStatus {
  node: string;
  project: string;
  stack: string;
  /**
   * `generation` counts manifest loads since start (apply waits for it to move after a reload);
   * `failedReloads` counts refused ones, and `reloadError` says why the latest was, until one succeeds.
   */
  agent: { pid: number; startedAt: number; generation: number; failedReloads: number; reloadError?: string; version: string; rss: number; state: AgentState; reason?: string };
  apps: AppStatus[];
  /** When this document was produced (epoch ms): a stale status.json means the agent is gone. */
  updatedAt: number;
}

export interface StatusSource {
  identity: { node: string; project: string; stack: string };
  startedAt: number;
  generation: number;
  failedReloads: number;
  reloadError?: string;
  state: AgentState;
  reason?: string;
  apps: AppStatus[];
  now: number;
}

export function agentStatus(src: StatusSource): AgentStatus {
  return {
    ...src.identity,
    agent: { pid: process.pid, startedAt: src.startedAt, generation: src.generation, failedReloads: src.failedReloads, ...(src.reloadError ? { reloadError: src.reloadError } : {}), version: AGENT_VERSION, rss: process.memoryUsage.rss(), state: src.state, ...(src.reason ? { reason: src.reason } : {}) },
    apps: src.apps,
    updatedAt: src.now,
  };
}
