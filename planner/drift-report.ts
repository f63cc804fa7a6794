/**
 * The drift report: what `omnitron drift` (and `plan -refresh-only`) tell apart, from the same request
 * and plan `plan` makes. Pure and synchronous, like the plan.
 *
 * - Changed outside omnitron: the live object differs from what state recorded. Each type judges it
 *   with its own plan, asked "if the config were what state recorded, what would you do?", so its
 *   normalisations and pseudo-attributes (a container's `status`) apply exactly as in a plan.
 * - Runtime drift: supervised apps not running as configured (the plan's runtimeDrift, kept apart:
 *   the types are asked without it, so a failed app is not also an agent "changed outside").
 * - Config changes not yet applied: the config differs from what state recorded.
 *
 * Secret values never enter the report: a sensitive attribute carries its path and `sensitive`, no value.
 */
import { containsUnknown, resolve, type Json, type Value } from './expr.js';
import { configHash } from './hash.js';
import { diffAttributes, matchesPath, sameValue } from './diff.js';
import { sensitivePaths as secretPaths } from './desired/sensitive.js';
import type { AttributeDiff } from './attribute-diff.js';
import type { Plan } from './change.js';
import type { PlanRequest } from './plan.js';
import type { DesiredResource, Observed, PlanInput, RuntimeIssue, StateRecord } from './resource.js';
import { compareText } from '../contract/compare-text.js';

/** One attribute: `before` is what state recorded; `after` is the live value (outside) or the config's (pending). */
export interface AttributeDrift {
  path: string;
  before?: Json;
  after?: Json;
  /** A secret: no values, only that it changed. */
  sensitive?: true;
  /** The config's value is only known after apply (it depends on something apply creates). */
  afterUnknown?: true;
}

export type OutsideKind = 'changed' | 'deleted';
export type PendingKind = 'create' | 'update' | 'delete';

interface ResourceFindingBase {
  address: string;
  type: string;
  /** The node the object lives on, `local` on a local stack, `stack` for what no single node holds. */
  target: string;
  /** Why, in the type's words ("container is exited", "deleted outside omnitron", "not found"). */
  summary: string;
  attributes: AttributeDrift[];
}

export interface OutsideChange extends ResourceFindingBase {
  kind: OutsideKind;
  /** `apply -refresh-only` can write it into state: the live attributes differ, or the object is gone. */
  recordable: boolean;
}

export interface PendingChange extends ResourceFindingBase { kind: PendingKind }

export interface DriftReport {
  project: string;
  stack: string;
  stackType: string;
  outside: OutsideChange[];
  runtime: RuntimeIssue[];
  pending: PendingChange[];
  /** Objects that could not be read (server down): not judged, named so nobody mistakes silence for health. */
  unreadable: Array<{ address: string; why: string }>;
  /** Addresses (and `app.NAME`) left out by --ignore, with how many findings each hid. */
  ignored: Array<{ address: string; findings: number }>;
}

export interface DriftOptions {
  /** The stack's node names: `type.NODE.rest` addresses are grouped under their node. */
  nodes: readonly string[];
}

export function classifyDrift(req: PlanRequest, plan: Plan, opts: DriftOptions): DriftReport {
  const desired = new Map(req.desired.map((d) => [d.address, d]));
  const creating = new Set(plan.changes.filter((c) => c.action === 'create' || c.action === 'replace').map((c) => c.address));
  const lookup = (address: string, output: string): Json | undefined => (creating.has(address) ? undefined : req.prior.get(address)?.outputs[output]);
  const targetOf = targetFinder(req.stackType, opts.nodes);
  const outside: OutsideChange[] = [];
  const pending: PendingChange[] = [];
  for (const c of plan.changes) {
    const want = desired.get(c.address);
    const value = want && resolve(want.attributes, lookup);
    const ctx: Subject = {
      address: c.address, type: c.type, target: targetOf(c.address), prior: req.prior.get(c.address), observed: req.observed.get(c.address),
      unreadable: req.unreadable.get(c.address), desired: want, value,
    };
    // The plan found live matching the config, and the config is what state recorded: nothing to ask the type.
    const settled = c.action === 'noop' && !c.record && configIsState(ctx);
    const out = ctx.prior && !ctx.unreadable && !settled ? outsideChange(req, ctx) : undefined;
    if (out) outside.push(out);
    // A removal the plan keeps (a data volume, a pinned host key) or finds already gone is nothing pending.
    const cfg = !want && c.action === 'noop' ? undefined : pendingChange(ctx, c.reason);
    if (cfg) pending.push(cfg);
  }
  const unreadable = [...req.unreadable].filter(([a]) => req.prior.has(a) || desired.has(a)).map(([address, why]) => ({ address, why })).sort((a, b) => compareText(a.address, b.address));
  return { project: plan.project, stack: plan.stack, stackType: plan.stackType, outside, runtime: plan.runtimeDrift, pending, unreadable, ignored: [] };
}

interface Subject {
  address: string;
  type: string;
  target: string;
  prior?: StateRecord;
  observed?: Observed;
  unreadable?: string;
  desired?: DesiredResource;
  /** The desired attributes, resolved against state (UNKNOWN where apply creates the value). */
  value?: Value;
}

function configIsState(s: Subject): boolean {
  return s.prior !== undefined && s.value !== undefined && !containsUnknown(s.value) && configHash(s.value as Json) === s.prior.hash;
}

function outsideChange(req: PlanRequest, s: Subject): OutsideChange | undefined {
  const prior = s.prior!;
  const type = req.types.get(s.type);
  if (!type) throw new Error(`internal: no provider implements resource type "${s.type}"`);
  const sensitive = sensitivePaths(prior, s.desired);
  // Runtime issues are reported on their own; without them the type judges only the object itself.
  const observed = s.observed && withoutRuntime(s.observed);
  const input: PlanInput = { address: s.address, desired: prior.attributes as Value, desiredHash: prior.hash, prior, observed, unreadable: s.unreadable, sensitive };
  const decision = type.plan(input);
  if (decision.action === 'noop') return undefined;
  const base = { address: s.address, type: s.type, target: s.target, summary: decision.reason };
  if (decision.action === 'create' || !s.observed) return { ...base, kind: 'deleted', attributes: [], recordable: true };
  const diffs = decision.action === 'update' || decision.action === 'replace' ? decision.diffs : [];
  // The type diffs live → config; here config is state, so state is `before` and live is `after`.
  const attributes = diffs.map((d) => attributeDrift({ path: d.path, before: d.after, after: d.before, sensitive: d.sensitive }, sensitive));
  return { ...base, kind: 'changed', attributes, recordable: !sameValue(prior.attributes as Value, s.observed.attributes as Value) };
}

function pendingChange(s: Subject, reason: string): PendingChange | undefined {
  const base = { address: s.address, type: s.type, target: s.target };
  if (!s.desired || s.value === undefined) return { ...base, kind: 'delete', summary: s.prior ? 'no longer in config' : reason, attributes: [] };
  if (!s.prior) return { ...base, kind: 'create', summary: reason, attributes: [] };
  if (configIsState(s)) return undefined;
  const sensitive = sensitivePaths(s.prior, s.desired);
  const { diffs } = diffAttributes(s.prior.attributes as Value, s.value, { sensitive });
  if (diffs.length === 0) return undefined;
  return { ...base, kind: 'update', summary: 'config changed', attributes: diffs.map((d) => attributeDrift(d, sensitive)) };
}

/** A URL carrying a password (`scheme://user:pass@host`): a value typed outside omnitron is in no sensitive list. */
const CREDENTIALS_IN_URL = /[a-z][a-z0-9+.-]*:\/\/[^/\s@]*:[^/\s@]+@/i;

function looksSecret(d: AttributeDiff): boolean {
  const last = d.path.slice(d.path.lastIndexOf('.') + 1);
  return secretPaths(last === '' ? null : { [last]: 'x' }).length > 0
    || [d.before, d.after].some((v) => typeof v === 'string' && CREDENTIALS_IN_URL.test(v));
}

/**
 * Drops secret values and turns unknowns into a flag: what is left is safe to print anywhere. Besides the
 * paths config and state mark sensitive, a live value is masked when its name says secret (as for config
 * literals) or it is a URL with a password: drift reports values nobody configured.
 */
function attributeDrift(d: AttributeDiff, sensitive: readonly string[]): AttributeDrift {
  if (d.sensitive || matchesPath(d.path, sensitive) || looksSecret(d)) return { path: d.path, sensitive: true };
  const out: AttributeDrift = { path: d.path };
  if (d.before !== undefined && !containsUnknown(d.before)) out.before = d.before as Json;
  if (d.after !== undefined && containsUnknown(d.after)) out.afterUnknown = true;
  else if (d.after !== undefined) out.after = d.after as Json;
  return out;
}

function sensitivePaths(prior: StateRecord | undefined, desired: DesiredResource | undefined): string[] {
  const recorded = (prior?.sensitive ?? []).filter((p) => p.startsWith('attributes.')).map((p) => p.slice('attributes.'.length));
  return [...new Set([...recorded, ...(desired?.sensitive ?? [])])];
}

function withoutRuntime(o: Observed): Observed {
  const { runtime: _runtime, ...rest } = o;
  return rest;
}

/** `apt_package.web-1.nginx` lives on web-1; everything on a local stack is `local`. */
export function targetFinder(stackType: string, nodes: readonly string[]): (address: string) => string {
  if (stackType === 'local') return () => 'local';
  const known = new Set(nodes);
  return (address) => {
    const parts = address.split('.');
    return parts.length >= 3 && known.has(parts[1]) ? parts[1] : parts.length === 2 && known.has(parts[1]) ? parts[1] : 'stack';
  };
}

/** Exit status of `omnitron drift`: 2 outside changes or runtime drift, 3 only config changes not applied, 0 nothing. */
export function driftExitCode(report: Pick<DriftReport, 'outside' | 'runtime' | 'pending'>): 0 | 2 | 3 {
  if (report.outside.length > 0 || report.runtime.length > 0) return 2;
  return report.pending.length > 0 ? 3 : 0;
}

/** The address `--ignore` names an app's runtime drift by. */
export function runtimeAddress(issue: Pick<RuntimeIssue, 'app'>): string {
  return `app.${issue.app}`;
}

/** Leaves out every finding on the given addresses (`app.NAME` for an app's runtime drift), counting them. */
export function ignoreAddresses(report: DriftReport, addresses: readonly string[]): DriftReport {
  if (addresses.length === 0) return report;
  const skip = new Set(addresses);
  const counts = new Map<string, number>();
  const keep = <T>(list: T[], addressOf: (t: T) => string): T[] => list.filter((t) => {
    const a = addressOf(t);
    if (!skip.has(a)) return true;
    counts.set(a, (counts.get(a) ?? 0) + 1);
    return false;
  });
  const next: DriftReport = {
    ...report,
    outside: keep(report.outside, (o) => o.address),
    runtime: keep(report.runtime, runtimeAddress),
    pending: keep(report.pending, (p) => p.address),
    unreadable: report.unreadable.filter((u) => !skip.has(u.address)),
  };
  return { ...next, ignored: [...skip].map((address) => ({ address, findings: counts.get(address) ?? 0 })) };
}
