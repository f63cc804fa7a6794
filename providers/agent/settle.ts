/**
 * After apply starts, reloads or upgrades an agent (on a node, or this machine's for a local stack):
 * wait until a status written by that agent run (and, after a reload, by the later manifest load)
 * shows every app running, failed or blocked. Apps that did not start fail the apply that shipped them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { runtimeIssues } from './runtime-issues.js';
import { ProviderError, type ApplyOp, type ProviderContext, type RuntimeIssue } from '../../planner/resource.js';
import type { AgentStatusDoc } from '../../contract/agent/status.js';

const POLL_MS = 250;

const SETTLING = new Set(['pending', 'starting', 'stopping']);

/** The agent has started every app it will start: each is running, failed or blocked (or the agent itself failed). */
export function agentSettled(doc: AgentStatusDoc): boolean {
  if (doc.agent?.state === 'failed') return true;
  if (doc.agent?.state !== 'running') return false;
  return (doc.apps ?? []).every((a) => !SETTLING.has(a.state ?? 'pending') && a.state !== 'backoff');
}

export interface SettleWatch<D extends AgentStatusDoc = AgentStatusDoc> {
  /** The node name runtime issues carry (`app`, or `local`). */
  target: string;
  /** How messages name it: `node app`, `local`. */
  where: string;
  timeoutS: number;
  read(): Promise<D | undefined>;
  /** This status is from the agent run (and manifest load) being waited for. */
  fresh(doc: D): boolean;
  /** Why waiting is pointless (the agent exited, refused the manifest), as a whole sentence; undefined while it is not. */
  failed?(latest: D | undefined): Promise<string | undefined>;
  /** Where the agent's own log is, for when it writes no status. */
  logHint: string;
  /** What to do about apps that did not start. */
  fixHint: string;
}

export async function waitAgentSettled<D extends AgentStatusDoc>(ctx: ProviderContext, op: ApplyOp, w: SettleWatch<D>): Promise<void> {
  const deadline = Date.now() + w.timeoutS * 1000;
  let last: D | undefined;
  for (;;) {
    const doc = await w.read();
    if (doc && w.fresh(doc)) last = doc;
    if (last && agentSettled(last)) break;
    const failure = await w.failed?.(doc);
    if (failure) throw new ProviderError(op.address, failure, w.logHint);
    if (Date.now() > deadline) throw notSettled(op, w, last);
    await sleep(POLL_MS, undefined, { signal: ctx.signal });
  }
  // What the agent could not honour of an app's definition (fields it does not use): warnings, once per apply.
  for (const app of last.apps ?? []) for (const note of app.notes ?? []) ctx.emit({ kind: 'warning', address: op.address, message: `${app.name} on ${w.where}: ${note}` });
  const issues = runtimeIssues(w.target, last);
  if (issues.length > 0) throw appsFailed(op, w, issues, issues.every((i) => i.state === 'rolled back') ? 'the new release was rolled back' : undefined);
}

function notSettled(op: ApplyOp, w: Pick<SettleWatch, 'where' | 'timeoutS' | 'fixHint' | 'logHint'>, doc: AgentStatusDoc | undefined): ProviderError {
  if (!doc) return new ProviderError(op.address, `on ${w.where}: the agent wrote no status within ${w.timeoutS} s`, w.logHint);
  const waiting = (doc.apps ?? []).filter((a) => a.state !== 'running').map((a) => `${a.name} (${a.state})`);
  return new ProviderError(op.address, `on ${w.where}: apps still not running after ${w.timeoutS} s: ${waiting.join(', ') || 'none'}`, 'see `omnitron status` and `omnitron logs APP`');
}

export function appsFailed(op: ApplyOp, w: Pick<SettleWatch, 'where' | 'fixHint'>, issues: RuntimeIssue[], what = 'apps did not start'): ProviderError {
  const lines = issues.map((i) => (i.state === 'rolled back' ? `${i.app} rolled back: ${i.detail}` : `${i.app}: ${i.state}${i.lastExit ? `, last exit: ${i.lastExit}` : ''}${i.detail ? ` (${i.detail})` : ''}`));
  return new ProviderError(op.address, `on ${w.where}: ${what}:\n  ${lines.join('\n  ')}`, w.fixHint);
}
