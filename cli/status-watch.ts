/** `status --watch`'s data: every agent asked again after each refresh's answers are shown, until the signal aborts. */
import { setTimeout as sleep } from 'node:timers/promises';
import { queryStatuses, type TargetStatus } from './agent-access.js';
import type { AgentEndpoint } from './agent-endpoint.js';

export type StatusUpdate = (targets: readonly TargetStatus[], at: number) => void;

/** Resolves once `signal` aborts (Ctrl-C); an agent that does not answer is a problem line in that round, not an end. */
export async function watchStatuses(endpoints: readonly AgentEndpoint[], opts: { intervalMs: number; signal: AbortSignal }, onUpdate: StatusUpdate): Promise<void> {
  while (!opts.signal.aborted) {
    const targets = await queryStatuses(endpoints, opts.signal);
    if (opts.signal.aborted) return;
    onUpdate(targets, Date.now());
    await sleep(opts.intervalMs, undefined, { signal: opts.signal }).catch(() => undefined);
  }
}
