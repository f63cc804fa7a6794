/**
 * Several services on one node may need the same package (the redis preset and a second Redis
 * instance both need redis-server) or run as the same account. Each asks for it under the same
 * address; they become one resource that satisfies every asker: version ranges are combined (both
 * must hold), dependencies united. Any other resource asked for twice is a bug in the planner.
 */
import type { Expr } from '../expr.js';
import type { DesiredResource } from '../resource.js';

const SHARED = new Set(['apt_package', 'service_user']);

export function mergeSharedResources(resources: readonly DesiredResource[]): DesiredResource[] {
  const byAddress = new Map<string, DesiredResource>();
  for (const r of resources) {
    const seen = byAddress.get(r.address);
    if (!seen) { byAddress.set(r.address, r); continue; }
    if (!SHARED.has(r.type) || seen.type !== r.type) throw new Error(`internal: the planner made ${r.address} twice (please report)`);
    byAddress.set(r.address, { ...seen, attributes: mergeAttributes(seen.attributes, r.attributes), dependsOn: [...new Set([...seen.dependsOn, ...r.dependsOn])] });
  }
  return [...byAddress.values()];
}

function mergeAttributes(a: Expr, b: Expr): Expr {
  const left = a as { [key: string]: Expr };
  const right = b as { [key: string]: Expr };
  const ranges = [left.version, right.version].filter((v): v is string => typeof v === 'string');
  const version = [...new Set(ranges)].join(' ');
  return { ...left, ...(version ? { version } : {}) };
}
