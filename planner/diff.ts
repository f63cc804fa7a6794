/**
 * Attribute-level comparison shared by every resource type, and the default decision most types use:
 * not found → create, found and equal → no-op, different → update, or replace when a changed path is
 * one the type cannot update in place.
 */
import { UNKNOWN, type Json, type Value } from './expr.js';
import { canonicalJson } from './hash.js';
import type { AttributeDiff } from './attribute-diff.js';
import type { Decision, PlanInput } from './resource.js';

export interface DiffOptions {
  /** Paths (or path prefixes) whose values are secret. */
  sensitive?: readonly string[];
  /** Paths (or prefixes) that cannot change in place. `*` means every path. */
  replaceOn?: readonly string[];
  /** Paths (or prefixes) not compared at all. */
  ignore?: readonly string[];
}

export interface DiffResult { diffs: AttributeDiff[]; unchanged: number }

export function matchesPath(path: string, prefixes: readonly string[] | undefined): boolean {
  if (!prefixes) return false;
  return prefixes.some((p) => p === '*' || path === p || path.startsWith(`${p}.`));
}

/** Leaves by dot path; arrays are leaves (compared whole), objects recurse. */
export function flatten(value: Value | undefined, prefix = '', into = new Map<string, Value>()): Map<string, Value> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0 && prefix) into.set(prefix, value);
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, into);
  } else if (value !== undefined && prefix) {
    into.set(prefix, value);
  }
  return into;
}

/** Deep equality where object key order does not matter (an env file read back lists its keys in file order). */
export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === UNKNOWN || b === UNKNOWN) return false;
  if (a === undefined || b === undefined) return a === b;
  return canonicalJson(a as Json) === canonicalJson(b as Json);
}

export function diffAttributes(before: Value | undefined, after: Value | undefined, opts: DiffOptions = {}): DiffResult {
  const b = flatten(before);
  const a = flatten(after);
  const paths = [...new Set([...b.keys(), ...a.keys()])].filter((p) => !matchesPath(p, opts.ignore)).sort();
  const diffs: AttributeDiff[] = [];
  let unchanged = 0;
  for (const path of paths) {
    const bv = b.get(path);
    const av = a.get(path);
    if (sameValue(bv, av)) { unchanged++; continue; }
    const diff: AttributeDiff = { path, before: bv, after: av };
    if (matchesPath(path, opts.sensitive)) diff.sensitive = true;
    if (matchesPath(path, opts.replaceOn)) diff.forcesReplacement = true;
    diffs.push(diff);
  }
  return { diffs, unchanged };
}

/**
 * The usual decision. Types with runtime status (a stopped container) or hash labels wrap this and
 * add their own cases first.
 */
export function defaultDecision(input: PlanInput, opts: DiffOptions = {}): Decision {
  const { desired, prior, observed, unreadable } = input;
  const sensitive = [...(opts.sensitive ?? []), ...input.sensitive];
  if (desired === undefined) {
    if (!observed && !(unreadable && prior)) return { action: 'noop', reason: 'already gone' };
    return { action: 'delete', reason: prior ? 'no longer in config' : 'owned by this stack but not in config' };
  }
  if (unreadable && prior) {
    const { diffs } = diffAttributes(prior.attributes as Value, desired, { ...opts, sensitive });
    if (diffs.length === 0) return { action: 'noop', reason: `could not read (${unreadable}); state says it is up to date` };
    return decide(diffs, `config changed (live object unreadable: ${unreadable})`);
  }
  if (!observed) return { action: 'create', reason: prior ? 'deleted outside omnitron' : 'not found' };
  const { diffs } = diffAttributes(observed.attributes as Value, desired, { ...opts, sensitive });
  if (diffs.length === 0) {
    return prior ? { action: 'noop', reason: 'matches config' } : { action: 'noop', reason: 'found matching config, not yet in state', record: true };
  }
  return decide(diffs, prior && !sameValue(prior.attributes as Value, observed.attributes as Value) ? 'changed outside omnitron' : 'config changed');
}

function decide(diffs: AttributeDiff[], reason: string): Decision {
  const forcedBy = diffs.filter((d) => d.forcesReplacement).map((d) => d.path);
  if (forcedBy.length > 0) return { action: 'replace', reason, diffs, forcedBy };
  return { action: 'update', reason, diffs };
}
