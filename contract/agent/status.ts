/**
 * The agent's status document: the body of GET /v1/status and of <stateDir>/status.json. The agent
 * writes `AgentStatus`; everyone else reads an `AgentStatusDoc`, the same shape with every field
 * optional and every enum widened, because the document may come from an older or newer agent.
 */

/** `<stateDir>/status.json`, kept current by the agent for the planner's node probe. */
export const STATUS_FILE = 'status.json';

export type AppState = 'pending' | 'blocked' | 'starting' | 'running' | 'backoff' | 'stopping' | 'stopped' | 'failed';
export type AgentState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface ProcessStatus { name: string; pid?: number; state: AppState; startedAt?: number; restarts: number; lastExit?: { code: number | null; signal: string | null; at: number; reason: string }; cpu?: number; rss?: number }
export interface AppStatus {
  name: string; state: AppState; restarts: number; uptimeMs?: number; health: 'ok' | 'failing' | 'unknown'; blockedBy?: string; processes: ProcessStatus[]; lastExit?: ProcessStatus['lastExit'];
  /**
   * The latest reload's new release was not ready in time, and the app runs the previous one again:
   * revisions `from` and `to`, and the directories the app runs from (`runs`) and failed to (`failed`).
   */
  rolledBack?: { reason: string; from?: string; to?: string; at: number; runs: string; failed: string };
  /** Warnings about the app's definition, e.g. defineSystem fields the agent does not use. */
  notes?: string[];
}

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

type Untrusted<T> = T extends string ? string
  : T extends number ? number
  : T extends boolean ? boolean
  : T extends readonly (infer U)[] ? Untrusted<U>[]
  : T extends object ? { [K in keyof T]?: Untrusted<T[K]> }
  : T;

/** A status document as read from a node: nothing in it is guaranteed. */
export type AgentStatusDoc = Untrusted<AgentStatus>;

export function parseAgentStatus(text: string): AgentStatusDoc | undefined {
  try {
    const doc = JSON.parse(text) as unknown;
    return doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as AgentStatusDoc) : undefined;
  } catch {
    return undefined;
  }
}
