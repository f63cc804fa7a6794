/**
 * Plan Changes built by hand for the plan views' tests. The views never read what apply would execute,
 * so `desired` stays empty unless given; each action gets exactly the fields its Change variant has.
 */
import type { AttributeDiff } from '../../planner/attribute-diff.js';
import type { Change, DesiredSpec } from '../../planner/change.js';
import type { Observed, StateRecord } from '../../planner/resource.js';

export interface ChangeInit {
  address: string;
  action: Change['action'];
  reason: string;
  /** Defaults to the address up to its first dot. */
  type?: string;
  diffs?: AttributeDiff[];
  unchanged?: number;
  dependsOn?: string[];
  /** replace only (defaults to none). */
  forcedBy?: string[];
  /** create, update, replace and delete only. */
  drifted?: boolean;
  /** noop only: a record no-op. */
  record?: boolean;
  /** create, update, replace and record no-ops only (defaults to NO_DESIRED). */
  desired?: DesiredSpec;
  prior?: StateRecord;
  observed?: Observed;
}

/** The views never read what apply would execute: it stays empty. */
export const NO_DESIRED: DesiredSpec = { attributes: null, sensitive: [] };

export function change(init: ChangeInit): Change {
  const { action, forcedBy, drifted, record, desired: given, ...rest } = init;
  if (given !== undefined && (action === 'delete' || (action === 'noop' && !record))) throw new Error(`a ${action} change carries no desired spec (${init.address})`);
  const desired = given ?? NO_DESIRED;
  const base = { type: init.address.split('.')[0], diffs: [], unchanged: 0, dependsOn: [], ...rest };
  const acting = drifted !== undefined ? { ...base, drifted } : base;
  switch (action) {
    case 'noop': return record ? { ...base, action, record, desired, observed: base.observed ?? { address: base.address, type: base.type, attributes: null } } : { ...base, action };
    case 'replace': return { ...acting, action, forcedBy: forcedBy ?? [], desired };
    case 'delete': return { ...acting, action };
    default: return { ...acting, action, desired };
  }
}
