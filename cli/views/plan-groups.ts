/**
 * The plan's changes as the ink view shows them: by where they happen (a node, `local`, or the stack as a
 * whole), then by the provider that makes them. Within a group the plan's own order (dependency order) stays.
 */
import type { Plan } from '../../planner/change.js';
import { targetFinder } from '../../planner/drift-report.js';
import type { Actionable } from './plan-text.js';

export interface PlanGrouping {
  /** The stack's node names, in config order. */
  nodes: readonly string[];
  /** The provider a resource type belongs to (`docker` for `docker_container`). */
  providerOf: (type: string) => string;
}

export interface ProviderGroup { provider: string; changes: Actionable[] }
export interface TargetGroup { target: string; providers: ProviderGroup[] }

export function groupChanges(plan: Pick<Plan, 'changes' | 'stackType'>, grouping: PlanGrouping): TargetGroup[] {
  const targetOf = targetFinder(plan.stackType, grouping.nodes);
  const byTarget = new Map<string, Map<string, Actionable[]>>();
  for (const change of plan.changes) {
    if (change.action === 'noop') continue;
    const target = targetOf(change.address);
    const providers = byTarget.get(target) ?? byTarget.set(target, new Map()).get(target)!;
    const provider = grouping.providerOf(change.type);
    (providers.get(provider) ?? providers.set(provider, []).get(provider)!).push(change);
  }
  return [...byTarget.keys()].sort(targetOrder(grouping.nodes)).map((target) => ({
    target,
    providers: [...byTarget.get(target)!].map(([provider, changes]) => ({ provider, changes })),
  }));
}

/** Nodes in config order, then what belongs to the stack as a whole. */
function targetOrder(nodes: readonly string[]): (a: string, b: string) => number {
  const rank = (t: string) => { const i = nodes.indexOf(t); return i === -1 ? nodes.length : i; };
  return (a, b) => rank(a) - rank(b);
}

/** Type → provider name from the providers a run uses; a type none of them claims goes by its prefix. */
export function providerLookup(providers: ReadonlyArray<{ name: string; types: ReadonlyArray<{ type: string }> }>): (type: string) => string {
  const names = new Map(providers.flatMap((p) => p.types.map((t) => [t.type, p.name] as const)));
  return (type) => names.get(type) ?? type.split('_')[0];
}
