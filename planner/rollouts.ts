/**
 * What a plan says about rolling deploys: per app whose release changes on two nodes or more, the
 * nodes in the order apply takes them, batch by batch (see desired/rollout-order.ts).
 */
import type { Change, Rollout } from './change.js';
import type { DesiredResource } from './resource.js';
import { compareText } from '../contract/compare-text.js';

export function plannedRollouts(desired: readonly DesiredResource[], changes: readonly Change[], wait: number): Rollout[] {
  const changing = new Set(changes.filter((c) => c.action === 'create' || c.action === 'update' || c.action === 'replace').map((c) => c.address));
  const byApp = new Map<string, string[][]>();
  for (const r of desired) {
    if (!r.rollout || !changing.has(r.address)) continue;
    const batches = byApp.get(r.rollout.app) ?? Array.from({ length: r.rollout.batches }, () => []);
    batches[r.rollout.batch].push((r.attributes as { node: string }).node);
    byApp.set(r.rollout.app, batches);
  }
  return [...byApp].map(([app, batches]) => ({ app, batches: batches.filter((b) => b.length > 0), wait }))
    .filter((r) => r.batches.flat().length >= 2)
    .sort((a, b) => compareText(a.app, b.app));
}
