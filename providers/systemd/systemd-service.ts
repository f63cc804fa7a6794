/**
 * `systemd_service`: a unit enabled or not, running or not, restarted exactly when its `inputs`
 * (a hash of unit content, env file, release… computed by the planner) changed, and reloaded
 * (ExecReload) when only its optional `reloadInputs` changed. Apply takes the steps the plan decided
 * (enable or disable; restart, hand over, reload, start or stop), records both inputs on the node,
 * then waits until the unit is active (and stays so for a moment) or fails with its last journal lines,
 * and, for a service with a health check, until the check passes (service-health.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import type { Json } from '../../planner/expr.js';
import { plannedSteps, ProviderError, type ApplyOp, type Applied, type Observed, type ProviderContext } from '../../planner/resource.js';
import type { Transport } from '../../planner/transport.js';
import { inputsMarkerPath, journal, removeFile, resetFailed, systemctl, unitState, writeInputsMarker } from './commands.js';
import { fileFact, markerFact, unitFact } from './facts.js';
import { handOverAgent, holdHealthy, issuesFromFact, markOf, pointCurrentBack, readAgentStatus, statusRequest, waitAgentSettled } from './agent-status.js';
import { nodeName, onNode, progress, removingOld, runScript, str, unitName, type Attrs, type Facts, type NodeResourceType } from './node-type.js';
import { parseAttributes } from '../parse-attributes.js';
import type { ProbeRequest } from './probe.js';
import { healthSchema, waitHealthy } from './service-health.js';
import { describeUnit, observeService, planServiceSteps, planSystemdService, serviceSteps, SYSTEMD_SERVICE_TYPE, type ServiceSteps, type UnitState } from './service-status.js';

const schema = z.object({
  node: nodeName, name: unitName, enabled: z.boolean(), active: z.boolean(), inputs: z.string(), reloadInputs: z.string().optional(),
  /** The unit runs the omnitron agent, which keeps this status file. */
  agentStatus: z.string().optional(),
  /** Checked after each (re)start: dependents wait until it passes. */
  health: healthSchema.optional(),
});
type Attributes = z.infer<typeof schema>;

const DEFAULT_STARTUP_TIMEOUT_S = 60;
const POLL_MS = 150;
/** Active this long with no restart in between counts as started: a crash right after exec shows up. */
const STABLE_MS = 500;
const NOT_THERE = /not loaded|does not exist|No such file|not found/i;

function requests(attrs: Attrs): ProbeRequest[] {
  const name = str(attrs, 'name');
  const status = str(attrs, 'agentStatus');
  if (!name) return [];
  return [{ kind: 'unit', name }, { kind: 'marker', path: inputsMarkerPath(name) }, ...(status ? [statusRequest(status)] : [])];
}

function read(address: string, attrs: Attrs, facts: Facts): Observed | undefined {
  const name = str(attrs, 'name')!;
  const node = str(attrs, 'node')!;
  const status = str(attrs, 'agentStatus');
  const unit = unitFact(facts({ kind: 'unit', name }));
  const marker = markerFact(facts({ kind: 'marker', path: inputsMarkerPath(name) }));
  const observed = observeService(address, { node, name, ...(status ? { agentStatus: status } : {}) }, unit, marker);
  if (!observed || !status) return observed;
  const runtime = issuesFromFact(node, fileFact(facts(statusRequest(status))), unit.activeState === 'active');
  return runtime.length > 0 ? { ...observed, runtime } : observed;
}

function parseState(stdout: string): UnitState {
  const props = new Map(stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const n = (key: string) => Number(props.get(key) ?? 0) || 0;
  return { activeState: props.get('ActiveState') ?? '', subState: props.get('SubState') ?? '', nRestarts: n('NRestarts'), execMainCode: n('ExecMainCode'), execMainStatus: n('ExecMainStatus') };
}

async function failedToStart(t: Transport, op: ApplyOp, a: Attributes, why: string): Promise<ProviderError> {
  const logs = await t.exec(journal(a.name)).catch(() => undefined);
  const lines = logs?.code === 0 && logs.stdout.trim() ? `\nlast journal lines:\n${logs.stdout.trimEnd()}` : '';
  return new ProviderError(op.address, `on node ${a.node}: ${why}${lines}`, `see journalctl -u ${a.name} on node ${a.node}`);
}

/** Until ActiveState=active (not activating) for STABLE_MS with no restart in between, or the timeout. */
async function waitActive(ctx: ProviderContext, t: Transport, op: ApplyOp, a: Attributes): Promise<void> {
  const timeoutS = op.startupTimeout ?? DEFAULT_STARTUP_TIMEOUT_S;
  const deadline = Date.now() + timeoutS * 1000;
  let stableSince: number | undefined;
  let restarts = -1;
  for (;;) {
    const state = parseState((await t.execOrThrow(unitState(a.name))).stdout);
    if (state.activeState !== 'active' || state.nRestarts !== restarts) stableSince = state.activeState === 'active' ? Date.now() : undefined;
    restarts = state.nRestarts;
    if (stableSince !== undefined && Date.now() - stableSince >= STABLE_MS) return;
    if (state.activeState === 'failed') throw await failedToStart(t, op, a, `${describeUnit(a.name, state)} after start`);
    if (Date.now() > deadline) throw await failedToStart(t, op, a, `${describeUnit(a.name, state)}: not active within ${timeoutS} s`);
    await sleep(POLL_MS, undefined, { signal: ctx.signal });
  }
}

async function converge(ctx: ProviderContext, t: Transport, op: ApplyOp, a: Attributes, steps: ServiceSteps): Promise<void> {
  const before = steps.run && a.agentStatus ? markOf(await readAgentStatus(t, a.agentStatus)) : undefined;
  await t.execOrThrow(systemctl(steps.enable ? 'enable' : 'disable', a.name));
  if (steps.resetFailed) await t.execOrThrow(resetFailed(a.name));
  if (steps.run === 'handover') {
    progress(ctx, op.address, `handing ${a.name}'s apps over to the new agent`);
    await handOverAgent(ctx, t, op, a.name);
  } else if (steps.run) {
    progress(ctx, op.address, `systemctl ${steps.run} ${a.name}`);
    const result = await t.exec(systemctl(steps.run, a.name));
    if (result.code !== 0) throw await failedToStart(t, op, a, `systemctl ${steps.run} ${a.name} failed: ${result.stderr.trim()}`);
  }
  // An agent's inputs count as applied only once it took them (a refused manifest is applied again next time).
  const agentWait = a.active && before && a.agentStatus ? { node: a.node, path: a.agentStatus, before, timeoutS: op.startupTimeout ?? DEFAULT_STARTUP_TIMEOUT_S } : undefined;
  const mark = () => runScript(t, writeInputsMarker(a.name, a.inputs, a.reloadInputs));
  if (!agentWait) await mark();
  if (a.active) {
    const started = Date.now();
    progress(ctx, op.address, `waiting for ${a.name} to be active`);
    await waitActive(ctx, t, op, a);
    if (a.health && steps.run && steps.run !== 'stop') {
      progress(ctx, op.address, `waiting for ${a.name} to pass its health check`);
      await waitHealthy(ctx, t, a.health, { address: op.address, node: a.node, service: a.name, deadline: started + (op.startupTimeout ?? DEFAULT_STARTUP_TIMEOUT_S) * 1000 });
    }
  }
  if (agentWait) {
    progress(ctx, op.address, 'waiting for the agent to start its apps');
    await waitAgentSettled(ctx, t, op, agentWait).catch(async (err: unknown) => {
      await pointCurrentBack(ctx, t, op, agentWait.path);
      throw err;
    });
    if (op.holdAfter) {
      progress(ctx, op.address, `watching the apps stay healthy for ${op.holdAfter / 1000} s before the next nodes`);
      await holdHealthy(ctx, t, op, { node: a.node, path: agentWait.path, ms: op.holdAfter });
    }
    await mark();
  }
}

/** Stops and disables the unit (already gone is fine) and forgets its inputs. */
async function removeOld(ctx: ProviderContext, op: ApplyOp, old: { [key: string]: Json }): Promise<void> {
  const { node, name } = old;
  if (typeof node !== 'string' || typeof name !== 'string') return;
  progress(ctx, op.address, `stopping and disabling ${name}`);
  await onNode(ctx, op.address, node, async (t) => {
    for (const verb of ['stop', 'disable']) {
      const result = await t.exec(systemctl(verb, name));
      if (result.code !== 0 && !NOT_THERE.test(result.stderr)) throw new ProviderError(op.address, `systemctl ${verb} ${name} failed: ${result.stderr.trim()}`);
    }
    await t.execOrThrow(removeFile(inputsMarkerPath(name)));
  });
}

async function convergeService(ctx: ProviderContext, op: ApplyOp<ServiceSteps>): Promise<Applied> {
  const a = parseAttributes(schema, op);
  const steps = plannedSteps(op);
  await onNode(ctx, op.address, a.node, (t) => converge(ctx, t, op, a, steps));
  return { id: a.name, attributes: a, outputs: outputsOf(a.name, a.inputs, a.reloadInputs) };
}

function outputsOf(name: string | null, inputs: string | null, reloadInputs: string | undefined): Record<string, Json> {
  return { name, inputs, ...(reloadInputs !== undefined ? { reloadInputs } : {}) };
}

function recordOutputs(o: Observed): Record<string, Json> {
  const live = o.attributes as { inputs: string | null; reloadInputs?: string };
  return outputsOf(o.id ?? null, live.inputs, live.reloadInputs);
}

export const systemdService = {
  type: SYSTEMD_SERVICE_TYPE,
  plan: planSystemdService,
  planSteps: planServiceSteps,
  recordOutputs,
  apply: removingOld(removeOld, convergeService),
  requests,
  read,
} satisfies NodeResourceType<ServiceSteps>;

export { planSystemdService, serviceSteps };
