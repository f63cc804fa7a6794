/**
 * Executes a plan and decides nothing: every branch here is on the plan's own data. Deletes run
 * first, dependents before what they depend on; then everything else in dependency order, at most
 * `parallelism` at a time. State is written after every resource. A failure stops its branch only:
 * dependents are reported once as skipped, independent work finishes.
 */
import { known, resolve, type Expr, type Json } from './expr.js';
import { configHash } from './hash.js';
import { walk, type WalkResult } from './graph/dag.js';
import { ProviderError, type ApplyOp, type ProviderContext, type ResourceType, type StateRecord } from './resource.js';
import type { Change, NoopChange, Plan, RecordChange } from './change.js';
import type { EventSink } from './events.js';

export interface RecordStore {
  get(address: string): StateRecord | undefined;
  upsert(record: StateRecord): Promise<void>;
  remove(address: string): Promise<void>;
}

export interface ApplyRequest {
  plan: Plan;
  types: ReadonlyMap<string, ResourceType>;
  store: RecordStore;
  context: Omit<ProviderContext, 'emit'>;
  parallelism: number;
  sink: EventSink;
}

export interface ApplyOutcome {
  add: number;
  change: number;
  destroy: number;
  failed: Array<{ address: string; message: string; hint?: string }>;
  skipped: Array<{ address: string; upstream: string }>;
  notStarted: string[];
}

type Verb = 'create' | 'update' | 'replace' | 'delete' | 'record';
/** Every change apply acts on: all but the no-ops that record nothing. */
type Work = Exclude<Change, NoopChange>;

export async function applyPlan(req: ApplyRequest): Promise<ApplyOutcome> {
  for (const c of req.plan.changes) if (c.action === 'noop' && c.forget) await req.store.remove(c.address);
  const work = req.plan.changes.filter((c): c is Work => c.action !== 'noop' || c.record === true);
  const deletes = work.filter((c) => c.action === 'delete');
  const rest = work.filter((c) => c.action !== 'delete');
  const outcome: ApplyOutcome = { add: 0, change: 0, destroy: 0, failed: [], skipped: [], notStarted: [] };
  const run = async (changes: Work[], reverse: boolean) => {
    const byAddress = new Map(changes.map((c) => [c.address, c]));
    const result = await walk(changes.map((c) => c.address), (a) => byAddress.get(a)!.dependsOn,
      (a) => applyOne(req, byAddress.get(a)!, outcome), { parallelism: req.parallelism, signal: req.context.signal, reverse });
    collect(req, result, outcome);
  };
  await run(deletes, true);
  await run(rest, false);
  req.sink({ type: 'change_summary', operation: req.plan.mode === 'destroy' ? 'destroy' : 'apply', add: outcome.add, change: outcome.change, destroy: outcome.destroy, failed: outcome.failed.length, skipped: outcome.skipped.length });
  return outcome;
}

function collect(req: ApplyRequest, result: WalkResult, outcome: ApplyOutcome) {
  for (const [address, upstream] of result.skipped) {
    outcome.skipped.push({ address, upstream });
    req.sink({ type: 'apply_skipped', address, upstream });
  }
  outcome.notStarted.push(...result.notStarted);
}

async function applyOne(req: ApplyRequest, change: Work, outcome: ApplyOutcome): Promise<void> {
  const verb: Verb = change.action === 'noop' ? 'record' : change.action;
  const started = Date.now();
  req.sink({ type: 'apply_start', address: change.address, action: verb });
  const ctx: ProviderContext = {
    ...req.context,
    emit: (e) => req.sink(e.kind === 'progress'
      ? { type: 'apply_progress', address: e.address, message: e.message, elapsedMs: Date.now() - started }
      : { type: 'warning', address: e.address, message: e.message }),
  };
  try {
    await execute(req, ctx, change);
  } catch (err) {
    const failure = describeFailure(err);
    outcome.failed.push({ address: change.address, ...failure });
    req.sink({ type: 'apply_errored', address: change.address, action: verb, ...failure });
    throw err;
  }
  if (verb === 'create') outcome.add++;
  else if (verb === 'update') outcome.change++;
  else if (verb === 'delete') outcome.destroy++;
  else if (verb === 'replace') { outcome.add++; outcome.destroy++; }
  req.sink({ type: 'apply_complete', address: change.address, action: verb, ms: Date.now() - started });
}

async function execute(req: ApplyRequest, ctx: ProviderContext, change: Work): Promise<void> {
  const type = req.types.get(change.type);
  if (!type) throw new Error(`internal: no provider implements resource type "${change.type}"`);
  const lookup = (address: string, output: string): Json | undefined => req.store.get(address)?.outputs[output];
  if (change.action === 'delete') {
    const recorded = change.prior?.connection ?? change.connection;
    const connection = recorded !== undefined ? known(resolve(recorded, lookup), `${change.address} connection`) : undefined;
    await type.apply(ctx, { action: 'delete', address: change.address, prior: change.prior, observed: change.observed, ...(connection !== undefined ? { connection } : {}), ...stepsOf(change) });
    await req.store.remove(change.address);
    return;
  }
  const desired = change.desired;
  const attributes = known(resolve(desired.attributes, lookup), change.address);
  const hash = configHash(attributes);
  const base = { address: change.address, type: change.type, attributes, dependsOn: change.dependsOn, hash, updatedAt: new Date().toISOString(), ...(desired.connection !== undefined ? { connection: desired.connection } : {}) };
  const sensitive = [...desired.sensitive.map((p) => `attributes.${p}`), ...(type.sensitiveOutputs ?? []).map((o) => `outputs.${o}`), ...connectionSecrets(desired.connection)];
  if (change.action === 'noop') {
    await req.store.upsert({ ...base, ...(change.observed.id ? { id: change.observed.id } : {}), outputs: type.recordOutputs?.(change.observed) ?? {}, sensitive });
    return;
  }
  const connection = desired.connection !== undefined ? known(resolve(desired.connection, lookup), `${change.address} connection`) : undefined;
  // Durable before the object can exist: a rerun or destroy after a kill here knows the object may be ours.
  if (change.action === 'create' && type.claimsObjects) await req.store.upsert({ ...base, outputs: {}, sensitive, intent: true });
  const op: ApplyOp = {
    action: change.action, address: change.address, attributes, hash, prior: req.store.get(change.address) ?? change.prior, observed: change.observed,
    ...(connection !== undefined ? { connection } : {}), ...(desired.startupTimeout ? { startupTimeout: desired.startupTimeout } : {}), ...(desired.holdAfter ? { holdAfter: desired.holdAfter } : {}), ...stepsOf(change),
  };
  const applied = await type.apply(ctx, op);
  if (!applied) throw new Error(`internal: ${change.type} apply returned nothing for ${change.action}`);
  await req.store.upsert({ ...base, ...(applied.id ? { id: applied.id } : {}), outputs: applied.outputs, sensitive });
}

function stepsOf(change: Exclude<Work, RecordChange>): Pick<ApplyOp, 'steps'> {
  return change.steps !== undefined ? { steps: change.steps } : {};
}

/** An external server's admin password is written in the config as it is: state keeps it sealed like any secret. */
function connectionSecrets(connection: Expr | undefined): string[] {
  return connection !== null && typeof connection === 'object' && !Array.isArray(connection) && 'password' in connection ? ['connection.password'] : [];
}

function describeFailure(err: unknown): { message: string; hint?: string } {
  if (err instanceof ProviderError) return { message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  const message = err instanceof Error ? err.message : String(err);
  return { message: `unexpected error: ${message}`, hint: 'This looks like a bug in omnitron; please report it with the output of --verbose.' };
}
