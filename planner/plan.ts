/**
 * desired + observed + prior → Plan. Pure and synchronous: it reads nothing and holds no handle that
 * could change anything. Refs resolve against prior outputs, except outputs of resources this plan
 * creates or replaces, which are unknown until apply.
 */
import { containsUnknown, resolve, type Expr, type Json, type Value } from './expr.js';
import { configHash } from './hash.js';
import { diffAttributes } from './diff.js';
import { topoOrder } from './graph/dag.js';
import { dependenciesOf } from './desired/desired-graph.js';
import { PLAN_FORMAT_VERSION, type Change, type DesiredSpec, type DriftItem, type Plan, type PlanBinding } from './change.js';
import { warning, type Diagnostic } from './diagnostics.js';
import { deletable, isIntent } from './ownership.js';
import { plannedRollouts } from './rollouts.js';
import type { ApplyAction, Decision, DesiredResource, Observed, PlanInput, ResourceType, StateRecord } from './resource.js';

export interface PlanRequest {
  project: string;
  stack: string;
  stackType: string;
  mode: 'normal' | 'destroy';
  desired: readonly DesiredResource[];
  prior: ReadonlyMap<string, StateRecord>;
  observed: ReadonlyMap<string, Observed>;
  unreadable: ReadonlyMap<string, string>;
  types: ReadonlyMap<string, ResourceType>;
  /** `--replace ADDR`. */
  replace?: ReadonlySet<string>;
  /** `--target ADDR`: only these and what they depend on. */
  targets?: ReadonlySet<string>;
  /** destroy without `--volumes` keeps data volumes. */
  keepVolumes?: boolean;
  /** A rolling deploy's `wait` between batches, in ms. */
  deployWait?: number;
  binding: PlanBinding;
  diagnostics?: Diagnostic[];
}

/** Observed status of a data-holding object (a non-empty bucket) that only `--volumes` deletes, like a data volume. */
export const HOLDS_DATA = 'holds data';

export function makePlan(req: PlanRequest): Plan {
  const desired = req.mode === 'destroy' ? [] : req.desired;
  const forward = planDesired(req, desired);
  const removals = planRemovals(req, new Set(desired.map((d) => d.address)));
  let changes = [...removals, ...forward];
  if (req.targets && req.targets.size > 0) changes = targetClosure(changes, req.targets);
  const foreign = removals.filter((c) => c.action === 'noop' && c.observed && !deletable(c.prior, c.observed)).map((c) => foreignWarning(c.address, c.observed!));
  const drift: DriftItem[] = changes.filter((c) => c.action !== 'noop' && c.drifted).map((c) => ({ address: c.address, summary: c.reason }));
  const runtimeDrift = req.mode === 'destroy' ? [] : [...req.observed.values()].flatMap((o) => o.runtime ?? []);
  const rollouts = plannedRollouts(desired, changes, req.deployWait ?? 0);
  return {
    ...(rollouts.length > 0 ? { rollouts } : {}),
    formatVersion: PLAN_FORMAT_VERSION, project: req.project, stack: req.stack, stackType: req.stackType, mode: req.mode,
    changes, drift, runtimeDrift, binding: req.binding, diagnostics: [...(req.diagnostics ?? []), ...foreign],
  };
}

function planDesired(req: PlanRequest, desired: readonly DesiredResource[]): Change[] {
  const byAddress = new Map(desired.map((d) => [d.address, d]));
  const order = topoOrder(desired.map((d) => d.address), (a) => dependenciesOf(byAddress.get(a)!));
  const pending = new Set<string>();
  const lookup = (address: string, output: string): Json | undefined =>
    pending.has(address) ? undefined : req.prior.get(address)?.outputs[output];
  return order.map((address) => {
    const change = planOne(req, byAddress.get(address)!, lookup);
    if (change.action === 'create' || change.action === 'replace') pending.add(address);
    return change;
  });
}

function planOne(req: PlanRequest, r: DesiredResource, lookup: (a: string, o: string) => Json | undefined): Change {
  const type = typeOf(req, r.type);
  const value = resolve(r.attributes, lookup);
  const desiredHash = containsUnknown(value) ? undefined : configHash(value as Json);
  // An intent says only that an interrupted apply may have made the object: to the type it is not in state.
  const recorded = req.prior.get(r.address);
  const prior = isIntent(recorded) ? undefined : recorded;
  const observed = req.observed.get(r.address);
  const input: PlanInput = { address: r.address, desired: value, desiredHash, prior, observed, unreadable: req.unreadable.get(r.address), sensitive: r.sensitive };
  let decision = type.plan(input);
  if (req.replace?.has(r.address) && (decision.action === 'noop' || decision.action === 'update')) {
    decision = { action: 'replace', reason: 'replacement requested', diffs: decision.action === 'update' ? decision.diffs : [], forcedBy: ['requested'] };
  }
  const before = (observed?.attributes ?? prior?.attributes) as Value | undefined;
  const shown = diffAttributes(decision.action === 'create' ? undefined : before, value, { sensitive: r.sensitive });
  const base = { address: r.address, type: r.type, reason: decision.reason, unchanged: shown.unchanged, dependsOn: dependenciesOf(r), ...(prior ? { prior } : {}), ...(observed ? { observed } : {}) };
  const desired = desiredSpec(r);
  if (decision.action === 'noop') return decision.record && observed ? { ...base, action: 'noop', diffs: [], record: true, desired, observed } : { ...base, action: 'noop', diffs: [] };
  const acting = { ...base, ...stepsFor(type, decision.action, input), ...(prior && desiredHash !== undefined && prior.hash === desiredHash ? { drifted: true } : {}) };
  switch (decision.action) {
    case 'create': return { ...acting, action: 'create', diffs: shown.diffs, unchanged: 0, desired };
    case 'update': return { ...acting, action: 'update', diffs: decision.diffs, desired };
    case 'replace': return { ...acting, action: 'replace', diffs: decision.diffs, forcedBy: decision.forcedBy, desired };
    case 'delete': return { ...acting, action: 'delete', diffs: [], ...(r.connection !== undefined ? { connection: r.connection } : {}) };
  }
}

/** The type's steps for the final action, asked once it is final (--replace and kept volumes change it). */
function stepsFor(type: ResourceType, action: ApplyAction, input: PlanInput): { steps?: Json } {
  const steps = type.planSteps?.(action, input);
  return steps === undefined ? {} : { steps };
}

function desiredSpec(r: DesiredResource): DesiredSpec {
  return { attributes: r.attributes, ...(r.connection !== undefined ? { connection: r.connection } : {}), sensitive: r.sensitive, ...(r.startupTimeout ? { startupTimeout: r.startupTimeout } : {}), ...(r.holdAfter ? { holdAfter: r.holdAfter } : {}) };
}

function planRemovals(req: PlanRequest, desired: ReadonlySet<string>): Change[] {
  const desiredConnections = new Map<string, Expr>();
  for (const d of req.desired) if (d.connection !== undefined && !desiredConnections.has(d.type)) desiredConnections.set(d.type, d.connection);
  const gone = [...new Set([...req.prior.keys(), ...req.observed.keys()])].filter((a) => !desired.has(a)).sort();
  const depsOf = (a: string) => req.prior.get(a)?.dependsOn ?? [];
  const kept = req.keepVolumes ? keptWithVolumes(req.prior, gone) : new Set<string>();
  const configured = new Set(req.desired.map((d) => d.address));
  const order = topoOrder(gone, depsOf).reverse();
  return order.map((address): Change => {
    const prior = req.prior.get(address);
    const observed = req.observed.get(address);
    const typeName = prior?.type ?? observed!.type;
    const type = typeOf(req, typeName);
    const input: PlanInput = { address, prior, observed, unreadable: req.unreadable.get(address), sensitive: [] };
    const own = type.plan(input);
    let decision: Decision = own;
    const ours = deletable(prior, observed);
    if (decision.action === 'delete' && !ours) decision = { action: 'noop', reason: 'not made by this state: never deleted by it' };
    if (req.keepVolumes && observed?.status === HOLDS_DATA && decision.action === 'delete') {
      decision = { action: 'noop', reason: 'holds data: kept (pass --volumes to delete it with its contents)' };
    }
    if (kept.has(address) && decision.action === 'delete') {
      decision = { action: 'noop', reason: typeName === 'docker_volume' ? 'data volume kept (pass --volumes to delete it)' : 'kept with the data volume that needs it (pass --volumes to delete it)' };
    }
    const keptByDestroy = typeOf(req, typeName).keptByDestroy;
    if (keptByDestroy && req.mode === 'destroy' && configured.has(address) && decision.action === 'delete') decision = { action: 'noop', reason: keptByDestroy };
    const base = { address, type: typeName, reason: decision.reason, unchanged: 0, dependsOn: depsOf(address), ...(prior ? { prior } : {}), ...(observed ? { observed } : {}) };
    // A record of an object that is gone (deleted by hand, or an intent whose create never ran) is forgotten.
    const forget = (own.action === 'noop' && prior !== undefined && !observed && !input.unreadable) || (isIntent(prior) && !ours);
    if (decision.action === 'noop') return forget ? { ...base, action: 'noop', diffs: [], forget: true } : { ...base, action: 'noop', diffs: [] };
    if (decision.action !== 'delete') throw new Error(`internal: ${typeName} planned ${decision.action} for ${address}, which is not in config; please report`);
    const before = (observed?.attributes ?? prior?.attributes) as Value | undefined;
    const connection = prior?.connection ?? desiredConnections.get(typeName);
    const sensitive = (prior?.sensitive ?? []).filter((p) => p.startsWith('attributes.')).map((p) => p.slice('attributes.'.length));
    return {
      ...base, ...stepsFor(type, 'delete', input), action: 'delete', diffs: diffAttributes(before, undefined, { sensitive }).diffs,
      // An orphan found only by its ownership stamp has no recorded connection; reach it the way its siblings are reached.
      ...(connection !== undefined && !prior?.connection ? { connection } : {}),
    };
  });
}

function foreignWarning(address: string, o: Observed): Diagnostic {
  const who = o.owner?.kind === 'other' ? o.owner.who : 'no stamp of this state';
  return warning(`${o.id ?? address} carries this stack's name but was not made by this state (${who}); it is left alone`, { address });
}

function typeOf(req: PlanRequest, name: string): ResourceType {
  const type = req.types.get(name);
  if (!type) throw new Error(`internal: no provider implements resource type "${name}"`);
  return type;
}

/** `--target`: the targeted changes plus everything they depend on; nothing else. */
function targetClosure(changes: Change[], targets: ReadonlySet<string>): Change[] {
  const byAddress = new Map(changes.map((c) => [c.address, c]));
  const keep = new Set<string>();
  const visit = (a: string) => {
    if (keep.has(a) || !byAddress.has(a)) return;
    keep.add(a);
    for (const d of byAddress.get(a)!.dependsOn) visit(d);
  };
  for (const t of targets) visit(t);
  return changes.filter((c) => keep.has(c.address));
}

/**
 * Destroy without --volumes keeps data volumes, and with them the generated secrets their data was
 * written with (a kept Postgres volume only opens with the superuser password it was initialised with).
 */
function keptWithVolumes(prior: ReadonlyMap<string, StateRecord>, gone: readonly string[]): Set<string> {
  const kept = new Set(gone.filter((a) => (prior.get(a)?.type ?? a.split('.')[0]) === 'docker_volume'));
  for (const record of prior.values()) {
    if (!record.dependsOn.some((d) => kept.has(d))) continue;
    for (const d of record.dependsOn) if (prior.get(d)?.type === 'random_password') kept.add(d);
  }
  return kept;
}
