/**
 * A systemd service that runs the omnitron agent names its status file: observe reads it to report
 * runtime drift (crash-looping or failed apps), and apply waits after a start, restart or reload until
 * the agent has started (or given up on) every app, so a bad release fails the apply that shipped it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { runtimeIssues } from '../agent/runtime-issues.js';
import { ProviderError, type ApplyOp, type ProviderContext, type RuntimeIssue } from '../../planner/resource.js';
import { appsFailed, waitAgentSettled as waitSettled } from '../agent/settle.js';
import type { Transport } from '../../planner/transport.js';
import type { FileFact } from './facts.js';
import { switchRelease } from './commands.js';
import { runScript } from './node-type.js';
import type { ProbeRequest } from './probe.js';
import { parseAgentStatus, type AgentStatusDoc } from '../../contract/agent/status.js';

const POLL_MS = 300;

export function statusRequest(path: string): ProbeRequest {
  return { kind: 'file', path, content: true };
}

/** Runtime issues from the probed file; none while the unit is not running (the unit's own state says that). */
export function issuesFromFact(node: string, fact: FileFact, unitActive: boolean): RuntimeIssue[] {
  if (!unitActive || fact.state !== 'present' || fact.content === undefined) return [];
  const doc = parseAgentStatus(fact.content);
  return doc ? runtimeIssues(node, doc) : [];
}

export interface AgentMark { startedAt?: number; generation?: number; failedReloads?: number }

export async function readAgentStatus(t: Transport, path: string): Promise<AgentStatusDoc | undefined> {
  const result = await t.exec(['cat', '--', path]);
  return result.code === 0 ? parseAgentStatus(result.stdout) : undefined;
}

export function markOf(doc: AgentStatusDoc | undefined): AgentMark {
  return { startedAt: doc?.agent?.startedAt, generation: doc?.agent?.generation, failedReloads: doc?.agent?.failedReloads };
}

/** Until a status written after `before` (a new agent, or a later manifest load) shows every app settled. */
export function waitAgentSettled(ctx: ProviderContext, t: Transport, op: ApplyOp, where: { node: string; path: string; before: AgentMark; timeoutS: number }): Promise<void> {
  const { node, path, before } = where;
  return waitSettled(ctx, op, {
    target: node, where: `node ${node}`, timeoutS: where.timeoutS,
    read: () => readAgentStatus(t, path),
    fresh: (doc) => doc.agent?.startedAt !== before.startedAt || (doc.agent?.generation ?? 0) > (before.generation ?? -1),
    // Same agent, no new generation, a reload error: it refused the manifest and keeps running the old one.
    failed: async (doc) => (doc?.agent?.reloadError && doc.agent.startedAt === before.startedAt && (doc.agent.failedReloads ?? 0) > (before.failedReloads ?? 0)
      ? `on node ${node}: the agent refused the new manifest and keeps running the apps as they were: ${doc.agent.reloadError}` : undefined),
    logHint: `see journalctl -u omnitron-agent on node ${node}`,
    fixHint: 'see `omnitron logs APP` for why; fix the release or its config and apply again',
  });
}

/** A rolling deploy's `wait`: the node's apps must still be running as asked this long after they settled. */
export async function holdHealthy(ctx: ProviderContext, t: Transport, op: ApplyOp, where: { node: string; path: string; ms: number }): Promise<void> {
  await sleep(where.ms, undefined, { signal: ctx.signal });
  const doc = await readAgentStatus(t, where.path);
  const issues = doc ? runtimeIssues(where.node, doc) : [];
  if (issues.length > 0) throw appsFailed(op, { where: `node ${where.node}`, fixHint: 'see `omnitron logs APP` for why; the nodes after this one were not touched' }, issues, `apps stopped running within the ${where.ms / 1000} s deploy wait`);
}

const RELEASE_DIR = /^(\/.+)\/releases\/([0-9a-f]{64})$/;

/**
 * Apps the agent rolled back run their previous release again: their `current` is switched back to
 * it (the agent's sandbox cannot write there), and the history notes the release that failed.
 */
export async function pointCurrentBack(ctx: ProviderContext, t: Transport, op: ApplyOp, path: string): Promise<void> {
  const doc = await readAgentStatus(t, path);
  for (const app of doc?.apps ?? []) {
    const runs = RELEASE_DIR.exec(app.rolledBack?.runs ?? '');
    const failed = RELEASE_DIR.exec(app.rolledBack?.failed ?? '');
    if (!runs || !failed || runs[1] !== failed[1]) continue;
    ctx.emit({ kind: 'progress', address: op.address, message: `switching ${app.name}'s current back to ${runs[2]!.slice(0, 12)}` });
    await runScript(t, switchRelease(runs[1]!, runs[2]!, failed[2]!, 'rollback', failed[2]!));
  }
}

const HANDOVER_TIMEOUT_MS = 30_000;

/**
 * An agent upgrade without restarting its apps: SIGUSR2 makes the running agent exit 0 and leave its
 * apps running (the unit has KillMode=process, so systemd leaves them too), then the new agent starts
 * and adopts every app whose definition did not change.
 */
export async function handOverAgent(ctx: ProviderContext, t: Transport, op: ApplyOp, unit: string): Promise<void> {
  const mainPid = (await t.execOrThrow(['systemctl', 'show', '-p', 'MainPID', '--value', '--', unit])).stdout.trim();
  if (/^[1-9]\d*$/.test(mainPid)) {
    await t.execOrThrow(['kill', '-s', 'USR2', mainPid]);
    const deadline = Date.now() + HANDOVER_TIMEOUT_MS;
    while ((await t.exec(['systemctl', 'is-active', '--quiet', '--', unit])).code === 0) {
      if (Date.now() > deadline) throw new ProviderError(op.address, `${unit} did not hand over within ${HANDOVER_TIMEOUT_MS / 1000} s`, `see journalctl -u ${unit}`);
      await sleep(POLL_MS, undefined, { signal: ctx.signal });
    }
  }
  await t.execOrThrow(['systemctl', 'start', '--', unit]);
}
