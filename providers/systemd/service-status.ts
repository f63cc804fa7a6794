/**
 * What systemd_service observes and plans, purely: the unit's runtime state, the inputs it was last
 * (re)started with and the reload inputs it was last reloaded with (a marker file the last apply
 * wrote, with the hash of the unit file it ran from), the decision, and the steps apply takes for it:
 * restart on changed inputs, reload on changed reload inputs alone, start when down, stop, enable or disable.
 */
import type { AttributeDiff } from '../../planner/attribute-diff.js';
import { defaultDecision, sameValue } from '../../planner/diff.js';
import type { Json, Value } from '../../planner/expr.js';
import type { ApplyAction, Decision, Observed, PlanInput } from '../../planner/resource.js';
import type { MarkerFact, UnitFact } from './facts.js';
import { describeGaveUp, gaveUp } from '../agent/runtime-issues.js';

export const SYSTEMD_SERVICE_TYPE = 'systemd_service';
/** A note meaning the unit file changed on disk since the service was last (re)started by omnitron. */
export const UNIT_EDITED = 'unit file changed on disk since the last restart';

/** UnitFileState values that mean the unit starts at boot (or is pulled in by something that does). */
const ENABLED = new Set(['enabled', 'enabled-runtime', 'static', 'alias', 'generated']);
const RUNNING = new Set(['active', 'reloading']);

export interface ServiceIdentity { node: string; name: string; agentStatus?: string }

export interface Marker { inputs?: string; unit?: string; reload?: string }

/** `inputs <hash>\nunit <sha256>\n[reload <hash>\n]` → its fields. */
export function parseMarker(content: string): Marker {
  const out: Marker = {};
  for (const line of content.split('\n')) {
    const [key, value = ''] = line.split(' ', 2);
    if (key === 'inputs' || key === 'unit' || key === 'reload') out[key] = value.trim();
  }
  return out;
}

// systemd's CLD_KILLED and CLD_DUMPED: ExecMainStatus is then a signal number, not an exit status.
const KILLED = new Set([2, 3]);

export type UnitState = Pick<UnitFact, 'activeState' | 'subState' | 'nRestarts' | 'execMainCode' | 'execMainStatus'>;

export function describeUnit(name: string, unit: UnitState): string {
  const ended = KILLED.has(unit.execMainCode) ? `signal ${unit.execMainStatus}` : `exit ${unit.execMainStatus}`;
  const details = [unit.subState && unit.subState !== unit.activeState ? unit.subState : '', `NRestarts ${unit.nRestarts}`, ended];
  const shown = unit.activeState === 'active' ? [unit.subState].filter(Boolean) : details.filter(Boolean);
  return `unit ${name} is ${unit.activeState || 'unknown'}${shown.length ? ` (${shown.join(', ')})` : ''}`;
}

export function observeService(address: string, id: ServiceIdentity, unit: UnitFact, marker: MarkerFact): Observed | undefined {
  if (unit.loadState === 'not-found' && marker.state === 'missing') return undefined;
  const recorded = marker.state === 'present' ? parseMarker(marker.content) : {};
  const edited = recorded.unit !== undefined && unit.fragmentSha256 !== undefined && recorded.unit !== unit.fragmentSha256;
  return {
    address, type: SYSTEMD_SERVICE_TYPE, id: id.name, status: unit.activeState,
    attributes: {
      ...id, enabled: ENABLED.has(unit.unitFileState), active: RUNNING.has(unit.activeState), inputs: recorded.inputs ?? null,
      ...(recorded.reload !== undefined ? { reloadInputs: recorded.reload } : {}),
    },
    notes: [describeUnit(id.name, unit), ...(unit.loadState !== 'loaded' ? [`load state ${unit.loadState}`] : []), ...(edited ? [UNIT_EDITED] : [])],
  };
}

interface Wanted { node: string; name: string; enabled: boolean; active: boolean; inputs: Value; reloadInputs?: Value }

export const field = (v: Json | Value | undefined, key: string): Value | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as { [k: string]: Value })[key] : undefined;

/** A marker written before reloadInputs existed records none: unknown, so the service is reloaded once. */
function reloadChanged(want: Pick<Wanted, 'reloadInputs'>, live: Json | undefined): boolean {
  return want.reloadInputs !== undefined && !sameValue(field(live, 'reloadInputs'), want.reloadInputs);
}

function changes(want: Wanted, observed: Observed): { reasons: string[]; diffs: AttributeDiff[] } {
  const live = observed.attributes;
  const reasons: string[] = [];
  const diffs: AttributeDiff[] = [];
  const active = field(live, 'active') === true;
  if (want.active !== active) {
    reasons.push(observed.notes?.[0] ?? `unit ${want.name} is ${observed.status}`);
    diffs.push({ path: 'active', before: active, after: want.active });
  }
  const edited = observed.notes?.includes(UNIT_EDITED) ?? false;
  if (!sameValue(field(live, 'inputs'), want.inputs) || edited) {
    reasons.push(edited && sameValue(field(live, 'inputs'), want.inputs) ? `inputs changed (${UNIT_EDITED})` : 'inputs changed');
    diffs.push({ path: 'inputs', before: field(live, 'inputs') ?? null, after: want.inputs });
  }
  if (reloadChanged(want, live)) {
    // A restart or start already loads the new config: the reload is only the reason when nothing else runs.
    if (reasons.length === 0) reasons.push('reload inputs changed');
    diffs.push({ path: 'reloadInputs', before: field(live, 'reloadInputs') ?? null, after: want.reloadInputs! });
  }
  if (field(live, 'enabled') !== want.enabled) {
    reasons.push(want.enabled ? 'not enabled' : 'enabled');
    diffs.push({ path: 'enabled', before: field(live, 'enabled') ?? null, after: want.enabled });
  }
  const stuck = active ? gaveUp(observed.runtime) : [];
  if (stuck.length > 0) {
    reasons.push(`apps not running: ${describeGaveUp(stuck)}; a reload starts them again`);
    diffs.push({ path: 'apps', before: describeGaveUp(stuck), after: 'running' });
  }
  return { reasons, diffs };
}

export function planSystemdService(input: PlanInput): Decision {
  const { desired, observed, prior, unreadable } = input;
  const moved = ['node', 'name'].filter((k) => prior && desired !== undefined && !sameValue(field(prior.attributes, k), field(desired, k)));
  if (moved.length > 0) {
    const diffs = moved.map((path): AttributeDiff => ({ path, before: field(prior!.attributes, path) as Value, after: field(desired, path) as Value, forcesReplacement: true }));
    return { action: 'replace', reason: 'config changed', diffs, forcedBy: moved };
  }
  if (desired === undefined || (unreadable && prior) || !observed) return defaultDecision(input);
  const want = desired as unknown as Wanted;
  const { reasons, diffs } = changes(want, observed);
  if (diffs.length > 0) return { action: 'update', reason: reasons.join('; '), diffs };
  const reason = observed.notes?.[0] ?? `unit ${want.name} is ${observed.status}`;
  return prior ? { action: 'noop', reason } : { action: 'noop', reason, record: true };
}

export type ServiceSteps = {
  enable: boolean;
  /**
   * `restart` for new inputs (or a first start), `handover` instead when the unit runs the agent and
   * is up (its apps keep running), `reload` for new reload inputs alone on a running unit, `start`
   * when only down, `stop` when it should not run.
   */
  run?: 'restart' | 'handover' | 'reload' | 'start' | 'stop';
  resetFailed: boolean;
};

type StepsWanted = Pick<Wanted, 'enabled' | 'active' | 'inputs' | 'reloadInputs'> & { agentStatus?: Value };

/** What apply does, from desired attributes (unknown inputs count as new) and what observe saw. */
export function serviceSteps(want: StepsWanted, observed: Observed | undefined): ServiceSteps {
  const live = observed?.attributes;
  const running = field(live, 'active') === true;
  const failed = observed?.status === 'failed';
  const enable = want.enabled === true;
  if (want.active !== true) return { enable, run: running ? 'stop' : undefined, resetFailed: false };
  const newInputs = !observed || field(live, 'inputs') !== want.inputs || (observed.notes?.includes(UNIT_EDITED) ?? false);
  if (newInputs) return { enable, run: typeof want.agentStatus === 'string' && running ? 'handover' : 'restart', resetFailed: failed };
  if (!running) return { enable, run: 'start', resetFailed: failed };
  const reload = reloadChanged(want, live) || gaveUp(observed?.runtime).length > 0;
  return { enable, run: reload ? 'reload' : undefined, resetFailed: failed };
}

/** The steps for the plan's final action; a delete only stops what state or observe found. */
export function planServiceSteps(action: ApplyAction, input: PlanInput): ServiceSteps | undefined {
  if (action === 'delete' || input.desired === undefined) return undefined;
  // Replaced at the same node and unit (--replace), the unit observe saw is stopped first: the new one starts from nothing.
  if (action === 'replace' && sameIdentity(input)) {
    // Stopping does not clear systemd's start limit: a unit that hit it needs reset-failed to start again.
    return { ...serviceSteps(input.desired as unknown as Wanted, undefined), resetFailed: input.observed?.status === 'failed' };
  }
  return serviceSteps(input.desired as unknown as Wanted, input.observed);
}

function sameIdentity({ desired, prior, observed }: PlanInput): boolean {
  const old = prior?.attributes ?? observed?.attributes;
  return ['node', 'name'].every((k) => sameValue(field(old, k), field(desired, k)));
}
