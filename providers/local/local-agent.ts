/**
 * `local_agent`: the omnitron agent as a background process of the developer's user, running a local
 * stack's apps. Plan: not running → start (a new agent adopts apps a killed one left running); its
 * code or Node changed → upgrade (the old agent hands its apps over, as on a node); its files or own
 * environment changed, or `--replace` → restart with every app; manifest or app environment changed →
 * reload (the agent then restarts exactly the apps that changed). Apply writes the files (0600),
 * signals or spawns the agent, then waits until it has started or given up on every app, so an app
 * that cannot start fails the apply. Delete stops the agent, which stops its apps in order.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import type { AttributeDiff } from '../../planner/attribute-diff.js';
import { defaultDecision, diffAttributes, matchesPath } from '../../planner/diff.js';
import type { Json, Value } from '../../planner/expr.js';
import { LOCAL_AGENT_NODE } from '../../planner/desired/local-agent.js';
import { plannedSteps, ProviderError, type ApplyAction, type ApplyOp, type Applied, type Decision, type Observed, type PlanInput, type ProviderContext, type ResourceType } from '../../planner/resource.js';
import { parseAttributes } from '../parse-attributes.js';
import { agentEnvironment, findAgent, signal, spawnAgent, stopProcess } from './agent-process.js';
import { stopLeftoverApps } from '../../runtime/leftover-apps.js';
import { waitAgentSettled, type SettleWatch } from '../agent/settle.js';
import { fileSize, logTail, readFrom, readStatus } from './agent-files.js';
import type { AgentStatusDoc } from '../../contract/agent/status.js';
import { formatEnv } from '../../contract/env-file-format.js';
import { removeFile, writeFileAtomic } from './files.js';
import { LOCAL_AGENT_TYPE, markerPath, type AgentTarget, type InputsMarker } from './local-agent-observe.js';
import { describeGaveUp, gaveUp } from '../agent/runtime-issues.js';

export { LOCAL_AGENT_TYPE } from './local-agent-observe.js';
/** Runtime issues name the agent by its manifest's node. */
export const LOCAL_AGENT_TARGET = LOCAL_AGENT_NODE;

const absolute = z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path');
const schema = z.object({
  manifestPath: absolute, manifest: z.string(), bundle: absolute, bundleSha256: z.string(), node: absolute,
  pidFile: absolute, logFile: absolute, statusFile: absolute, envFile: absolute,
  environment: z.record(z.string(), z.string()), reloadInputs: z.string(),
});
type Attributes = z.infer<typeof schema>;

/** The agent's own code: a new agent takes over the running apps. */
const UPGRADE_ON = ['bundle', 'bundleSha256', 'node'];
/** Read by the agent process only when it starts, and where its apps are found again: a full restart. */
const RESTART_ON = ['manifestPath', 'pidFile', 'logFile', 'statusFile', 'envFile', 'environment'];
const DEFAULT_STARTUP_TIMEOUT_S = 60;
const STOP_SLACK_MS = 10_000;
const HANDOVER_TIMEOUT_MS = 30_000;
const LEFTOVER_GRACE_MS = 5_000;

export type AgentStep = 'start' | 'upgrade' | 'restart' | 'reload';

function changed(desired: Value, observed: Observed, sensitive: readonly string[]): AttributeDiff[] {
  return diffAttributes(observed.attributes as Value, desired, { sensitive }).diffs;
}

/** What apply is to do with the agent observe saw; undefined when the running agent already matches. */
export function agentStep(desired: Value, observed: Observed | undefined): AgentStep | undefined {
  if (!observed || observed.status !== 'running') return 'start';
  const diffs = changed(desired, observed, []);
  if (diffs.some((d) => matchesPath(d.path, RESTART_ON))) return 'restart';
  if (diffs.some((d) => matchesPath(d.path, UPGRADE_ON))) return 'upgrade';
  return diffs.length > 0 || gaveUp(observed.runtime).length > 0 ? 'reload' : undefined;
}

/** Decided at plan: the step, and the pid of the agent it acts on (a reload signals it; a stop waits for it). */
export interface AgentSteps extends Record<string, Json> { run: AgentStep | null; pid: number | null }

function planAgentSteps(action: ApplyAction, input: PlanInput): AgentSteps | undefined {
  if (action === 'delete' || input.desired === undefined) return undefined;
  const run = action === 'replace' ? 'restart' : agentStep(input.desired, input.observed) ?? null;
  const pid = Number(input.observed?.id);
  return { run, pid: Number.isInteger(pid) && pid > 0 ? pid : null };
}

function updateReason(diffs: AttributeDiff[]): string {
  const named = (paths: string[]) => [...new Set(diffs.filter((d) => matchesPath(d.path, paths)).map((d) => d.path.split('.')[0]))].join(', ');
  if (named(RESTART_ON)) return `restart: ${named(RESTART_ON)} changed`;
  if (named(UPGRADE_ON)) return `upgrade: ${named(UPGRADE_ON)} changed (apps keep running)`;
  return 'reload: manifest or app environment changed';
}

export function planLocalAgent(input: PlanInput): Decision {
  const { desired, observed, prior, unreadable } = input;
  if (desired === undefined || (unreadable && prior)) return defaultDecision(input);
  if (!observed || observed.status !== 'running') return { action: 'create', reason: observed?.notes?.[0] ?? 'not found' };
  const diffs = changed(desired, observed, input.sensitive);
  const stuck = gaveUp(observed.runtime);
  const reason = observed.notes?.[0] ?? 'agent running';
  if (diffs.length === 0 && stuck.length === 0) return prior ? { action: 'noop', reason } : { action: 'noop', reason, record: true };
  if (diffs.length === 0) {
    return { action: 'update', reason: `apps not running: ${describeGaveUp(stuck)}; a reload starts them again`, diffs: [{ path: 'apps', before: describeGaveUp(stuck), after: 'running' }] };
  }
  return { action: 'update', reason: updateReason(diffs), diffs };
}

/** Where the live agent is: what observe saw, else what state recorded, else (first start) the config. */
function liveTarget(op: ApplyOp, fallback?: Attributes): AgentTarget | undefined {
  for (const attrs of [op.observed?.attributes, op.prior?.attributes, fallback]) {
    const a = attrs as Partial<Attributes> | null | undefined;
    if (typeof a?.pidFile !== 'string' || typeof a.manifestPath !== 'string') continue;
    const bundles = [a.bundle, (op.prior?.attributes as Partial<Attributes> | undefined)?.bundle, fallback?.bundle].filter((b): b is string => typeof b === 'string');
    return { manifestPath: a.manifestPath, pidFile: a.pidFile, logFile: a.logFile ?? '', statusFile: a.statusFile ?? '', envFile: a.envFile ?? '', bundles, target: LOCAL_AGENT_TARGET };
  }
  return undefined;
}

/** Apps stop in order, each within its shutdown timeout; beyond their sum the agent is killed. */
function stopBudgetMs(manifest: unknown): number {
  try {
    const apps = (JSON.parse(String(manifest)) as { apps?: Array<{ shutdown?: { timeout?: number } }> }).apps ?? [];
    return apps.reduce((sum, a) => sum + (a.shutdown?.timeout ?? 10_000), STOP_SLACK_MS);
  } catch {
    return STOP_SLACK_MS * 6;
  }
}

async function livePid(t: AgentTarget): Promise<number | undefined> {
  return (await findAgent(t.pidFile, t.manifestPath, t.bundles))?.pid;
}

/** The agent stops its apps in order; apps nobody stops (it was killed, now or before) are stopped here. */
async function stopAgent(ctx: ProviderContext, op: ApplyOp, t: AgentTarget, manifest: unknown): Promise<void> {
  const pid = await livePid(t);
  if (pid !== undefined) {
    ctx.emit({ kind: 'progress', address: op.address, message: `stopping the agent (pid ${pid}) and its apps` });
    const ended = await stopProcess(pid, async () => (await livePid(t)) === pid, stopBudgetMs(manifest), ctx.signal);
    if (ended === 'killed') ctx.emit({ kind: 'warning', address: op.address, message: `the agent (pid ${pid}) did not stop in time and was killed` });
  }
  const left = (await stopLeftoverApps(path.dirname(t.statusFile), LEFTOVER_GRACE_MS)).length;
  if (left > 0) ctx.emit({ kind: 'progress', address: op.address, message: `stopped ${left} app process${left === 1 ? '' : 'es'} no agent was running` });
  await removeFile(t.pidFile);
}

/** SIGUSR2: the agent exits and leaves its apps running for the next one to adopt; a stop if it will not. */
async function handOver(ctx: ProviderContext, op: ApplyOp, t: AgentTarget, manifest: unknown): Promise<void> {
  const pid = await livePid(t);
  if (pid === undefined) return;
  ctx.emit({ kind: 'progress', address: op.address, message: `handing the apps over from the agent (pid ${pid}) to a new one` });
  signal(pid, 'SIGUSR2');
  const deadline = Date.now() + HANDOVER_TIMEOUT_MS;
  while ((await livePid(t)) === pid) {
    if (Date.now() > deadline) return stopAgent(ctx, op, t, manifest);
    await sleep(100, undefined, { signal: ctx.signal });
  }
}

async function writeAgentFiles(a: Attributes, marker?: InputsMarker): Promise<void> {
  await mkdir(path.dirname(a.manifestPath), { recursive: true, mode: 0o700 });
  await writeFileAtomic(a.manifestPath, a.manifest, 0o600);
  if (Object.keys(a.environment).length > 0) await writeFileAtomic(a.envFile, formatEnv(a.environment), 0o600);
  else await removeFile(a.envFile);
  if (marker) await writeFileAtomic(markerPath(a.pidFile), `${JSON.stringify(marker)}\n`, 0o600);
}

async function start(ctx: ProviderContext, op: ApplyOp, a: Attributes): Promise<number> {
  await writeAgentFiles(a);
  ctx.emit({ kind: 'progress', address: op.address, message: `starting the agent (${a.manifestPath})` });
  const child = spawnAgent({ node: a.node, bundle: a.bundle, manifestPath: a.manifestPath }, agentEnvironment(a.environment), path.dirname(a.manifestPath), a.logFile);
  if (child.pid === 0) throw new ProviderError(op.address, `could not start ${a.node}: ${child.exit()}`);
  await writeFileAtomic(a.pidFile, `${child.pid}\n`, 0o600);
  await writeFileAtomic(markerPath(a.pidFile), `${JSON.stringify({ pid: child.pid, bundleSha256: a.bundleSha256, reloadInputs: a.reloadInputs })}\n`, 0o600);
  await waitAgentSettled(ctx, op, watch(op, a, {
    fresh: (doc) => doc.agent?.pid === child.pid,
    failed: async () => { const e = child.exit(); return e ? `the local agent exited while starting its apps (${e})${await logTail(a.logFile)}` : undefined; },
  }));
  return child.pid;
}

async function reload(ctx: ProviderContext, op: ApplyOp, a: Attributes, pid: number): Promise<void> {
  const before = (await readStatus(a.statusFile))?.agent?.generation ?? -1;
  const logOffset = await fileSize(a.logFile);
  await writeAgentFiles(a, { pid, bundleSha256: a.bundleSha256, reloadInputs: a.reloadInputs });
  ctx.emit({ kind: 'progress', address: op.address, message: `reloading the agent (pid ${pid})` });
  if (!signal(pid, 'SIGHUP')) throw new ProviderError(op.address, `the agent (pid ${pid}) is gone`, 'run `omnitron apply` again to start it');
  await waitAgentSettled(ctx, op, watch(op, a, {
    fresh: (doc) => doc.agent?.pid === pid && (doc.agent.generation ?? 0) > before,
    failed: async () => { const why = reloadRefused(await readFrom(a.logFile, logOffset)); return why && `the local agent ${why}${await logTail(a.logFile)}`; },
  }));
}

/** The agent keeps its apps running on a manifest it cannot load, and says why in its log. */
export function reloadRefused(logSince: string): string | undefined {
  for (const line of logSince.split('\n')) {
    try {
      const entry = JSON.parse(line) as { msg?: string; error?: string };
      if (entry.msg === 'reload failed') return `refused the new manifest: ${entry.error ?? 'see its log'}`;
    } catch { /* a partial line */ }
  }
  return undefined;
}

function watch(op: ApplyOp, a: Attributes, w: Pick<SettleWatch<AgentStatusDoc>, 'fresh' | 'failed'>): SettleWatch<AgentStatusDoc> {
  return {
    target: LOCAL_AGENT_TARGET, where: LOCAL_AGENT_TARGET, timeoutS: op.startupTimeout ?? DEFAULT_STARTUP_TIMEOUT_S,
    read: () => readStatus(a.statusFile), logHint: `see ${a.logFile}`,
    fixHint: 'see `omnitron logs APP` for why; fix the app (or its config) and apply again: a rebuilt app is restarted',
    ...w,
  };
}

async function remove(ctx: ProviderContext, op: ApplyOp): Promise<void> {
  const t = liveTarget(op);
  if (!t) return;
  await stopAgent(ctx, op, t, (op.prior?.attributes as Partial<Attributes> | undefined)?.manifest ?? (op.observed?.attributes as Partial<Attributes> | undefined)?.manifest);
  for (const file of [t.manifestPath, t.envFile, markerPath(t.pidFile)]) if (file) await removeFile(file);
}

async function applyLocalAgent(ctx: ProviderContext, op: ApplyOp<AgentSteps>): Promise<Applied | undefined> {
  if (op.action === 'delete') {
    await remove(ctx, op);
    return undefined;
  }
  const a = parseAttributes(schema, op, 'internal');
  const { run: step, pid: planned } = plannedSteps(op);
  let pid = planned ?? undefined;
  if (step === 'reload') {
    // Never a pid of 0: signalling 0 would reach omnitron's own process group.
    if (!pid) throw new Error(`internal: ${op.address} planned a reload without the agent's pid; please report`);
    await reload(ctx, op, a, pid);
  } else if (step) {
    const old = liveTarget(op, a)!;
    const oldManifest = (op.observed?.attributes as Partial<Attributes> | undefined)?.manifest ?? a.manifest;
    if (step === 'upgrade') await handOver(ctx, op, old, oldManifest);
    else if (step === 'restart') await stopAgent(ctx, op, old, oldManifest);
    // 'start': no agent runs; apps a killed one left behind are adopted by the new one.
    else await removeFile(old.pidFile);
    pid = await start(ctx, op, a);
  }
  return { id: String(pid), attributes: a, outputs: { pid: pid ?? null } };
}

export const localAgent = {
  type: LOCAL_AGENT_TYPE,
  plan: planLocalAgent,
  planSteps: planAgentSteps,
  apply: applyLocalAgent,
} satisfies ResourceType<AgentSteps>;
