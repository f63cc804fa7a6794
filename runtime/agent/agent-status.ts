/** The agent's own status document (contract/agent/status.ts), made from its supervisor's view. */
import { OMNITRON_VERSION } from '../../contract/version.js';
import type { AgentState, AgentStatus, AppStatus } from '../../contract/agent/status.js';

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
    agent: { pid: process.pid, startedAt: src.startedAt, generation: src.generation, failedReloads: src.failedReloads, ...(src.reloadError ? { reloadError: src.reloadError } : {}), version: OMNITRON_VERSION, rss: process.memoryUsage.rss(), state: src.state, ...(src.reason ? { reason: src.reason } : {}) },
    apps: src.apps,
    updatedAt: src.now,
  };
}
