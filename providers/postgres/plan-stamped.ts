/**
 * The default decision plus what the ownership stamp tells: an object that matches the config but
 * carries no omnitron comment, or a comment with another config hash, is updated so it gets stamped.
 */
import { defaultDecision, type DiffOptions } from '../../planner/diff.js';
import type { Decision, PlanInput } from '../../planner/resource.js';

export function planStamped(input: PlanInput, opts: DiffOptions = {}): Decision {
  const base = defaultDecision(input, opts);
  const { observed, desired, desiredHash, unreadable } = input;
  if (base.action !== 'noop' || desired === undefined || !observed || unreadable) return base;
  if (observed.hash === undefined) {
    return { action: 'update', reason: observed.notes?.[0] ?? 'not stamped by omnitron', diffs: [] };
  }
  if (desiredHash !== undefined && observed.hash !== desiredHash) {
    return { action: 'update', reason: 'config hash diverged', diffs: [] };
  }
  return base;
}
