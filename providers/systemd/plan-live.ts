/**
 * The decision most node resources share: compare what config wants with what the node has (put in
 * the same shape first), attribute by attribute with the type's options. Like defaultDecision, but
 * "changed outside omnitron" is judged with the same options, so fields only one side has (a local
 * source path, the list of releases on disk) never count as drift.
 */
import { defaultDecision, diffAttributes, type DiffOptions } from '../../planner/diff.js';
import type { Json, Value } from '../../planner/expr.js';
import type { Decision, PlanInput } from '../../planner/resource.js';

/** The live attributes in the shape of `wanted` (desired or recorded attributes). */
export type Comparable = (live: Json, wanted: Value | undefined) => Value;

const asIs: Comparable = (live) => live as Value;

export function planAgainstLive(input: PlanInput, opts: DiffOptions, comparable: Comparable = asIs): Decision {
  const { desired, observed, prior, unreadable } = input;
  const options = { ...opts, sensitive: [...(opts.sensitive ?? []), ...input.sensitive] };
  if (desired === undefined || !observed || (unreadable && prior)) return defaultDecision(input, options);
  const { diffs } = diffAttributes(comparable(observed.attributes, desired), desired, options);
  if (diffs.length === 0) {
    return prior ? { action: 'noop', reason: 'matches config' } : { action: 'noop', reason: 'found matching config, not yet in state', record: true };
  }
  const recorded = prior?.attributes as Value | undefined;
  const drifted = prior !== undefined && diffAttributes(comparable(observed.attributes, recorded), recorded, options).diffs.length > 0;
  const reason = drifted ? 'changed outside omnitron' : 'config changed';
  const forcedBy = diffs.filter((d) => d.forcesReplacement).map((d) => d.path);
  return forcedBy.length > 0 ? { action: 'replace', reason, diffs, forcedBy } : { action: 'update', reason, diffs };
}
