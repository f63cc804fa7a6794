/**
 * Waiting for the local agent after a start or a reload, as on a node (providers/systemd/agent-status):
 * until a status written by this agent process (and, after a reload, by a later manifest load) shows
 * every app running, failed or blocked. Apps that did not start fail the apply that shipped them.
 */
import { open, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { agentSettled, parseAgentStatus, runtimeIssues, type AgentStatusDoc } from '../../planner/runtime-issues.js';
import { ProviderError, type ApplyOp, type ProviderContext, type RuntimeIssue } from '../../planner/resource.js';

const POLL_MS = 200;
const LOG_TAIL_LINES = 12;
const LOG_TAIL_BYTES = 16 * 1024;

export interface AgentDoc extends AgentStatusDoc {
  agent?: AgentStatusDoc['agent'] & { pid?: number };
}

export async function readStatus(file: string): Promise<AgentDoc | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseAgentStatus(text);
}

export interface SettleWatch {
  target: string;
  statusFile: string;
  logFile: string;
  timeoutS: number;
  /** This status is from the agent run (and manifest load) being waited for. */
  fresh(doc: AgentDoc): boolean;
  /** Why waiting is pointless (the process exited, the reload was refused); undefined while it is not. */
  failed(): Promise<string | undefined>;
}

export async function waitSettled(ctx: ProviderContext, op: ApplyOp, w: SettleWatch): Promise<void> {
  const deadline = Date.now() + w.timeoutS * 1000;
  let last: AgentDoc | undefined;
  for (;;) {
    const doc = await readStatus(w.statusFile);
    if (doc && w.fresh(doc)) last = doc;
    if (last && agentSettled(last)) break;
    const failure = await w.failed();
    if (failure) throw new ProviderError(op.address, `the ${w.target} agent ${failure}${await logTail(w.logFile)}`, `see ${w.logFile}`);
    if (Date.now() > deadline) throw notSettled(op, w, last);
    await sleep(POLL_MS, undefined, { signal: ctx.signal });
  }
  const issues = runtimeIssues(w.target, last);
  if (issues.length > 0) throw appsFailed(op, w.target, issues);
}

function notSettled(op: ApplyOp, w: SettleWatch, doc: AgentDoc | undefined): ProviderError {
  if (!doc) return new ProviderError(op.address, `the ${w.target} agent wrote no status within ${w.timeoutS} s`, `see ${w.logFile}`);
  const waiting = (doc.apps ?? []).filter((a) => a.state !== 'running').map((a) => `${a.name} (${a.state})`);
  return new ProviderError(op.address, `apps still not running after ${w.timeoutS} s: ${waiting.join(', ') || 'none'}`, 'see `omnitron status` and `omnitron logs APP`');
}

function appsFailed(op: ApplyOp, target: string, issues: RuntimeIssue[]): ProviderError {
  const lines = issues.map((i) => `${i.app}: ${i.state}${i.lastExit ? `, last exit ${i.lastExit}` : ''}${i.detail ? ` (${i.detail})` : ''}`);
  return new ProviderError(op.address, `on ${target}: apps did not start:\n  ${lines.join('\n  ')}`,
    `see \`omnitron logs APP\` for why; apps run from the project as they are, so after fixing one restart them with \`omnitron apply --replace ${op.address}\``);
}

/** The agent's last log lines (JSON lines about apps and itself, never their environment). */
export async function logTail(file: string): Promise<string> {
  const text = await readFrom(file, -LOG_TAIL_BYTES);
  const lines = text.trimEnd().split('\n').filter(Boolean).slice(-LOG_TAIL_LINES);
  return lines.length > 0 ? `\nlast lines of ${file}:\n${lines.join('\n')}` : '';
}

export async function fileSize(file: string): Promise<number> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return 0;
  try {
    return (await handle.stat()).size;
  } finally {
    await handle.close();
  }
}

/** From byte `offset` to the end (a negative offset counts from the end). */
export async function readFrom(file: string, offset: number): Promise<string> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return '';
  try {
    const size = (await handle.stat()).size;
    const start = offset < 0 ? Math.max(0, size + offset) : Math.min(offset, size);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}
