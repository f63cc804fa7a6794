import { describe, expect, it } from 'vitest';
import { UNKNOWN } from '../../planner/expr.js';
import type { Observed, PlanInput, StateRecord } from '../../planner/resource.js';
import { planDatabase, postgresDatabase } from './database.js';

const address = 'postgres_database.api';
const attrs = { name: 'api', owner: 'api' };
const prior: StateRecord = {
  address, type: 'postgres_database', id: 'api', attributes: attrs, outputs: { name: 'api' },
  dependsOn: ['postgres_role.api'], sensitive: [], hash: 'h1', updatedAt: '2024-01-01T00:00:00Z',
};
const live = (over: Partial<Observed> = {}): Observed => ({ address, type: 'postgres_database', id: 'api', attributes: attrs, hash: 'h1', ...over });
const input = (over: Partial<PlanInput>): PlanInput => ({ address, desired: attrs, desiredHash: 'h1', sensitive: [], ...over });

describe('postgres_database plan', () => {
  it('creates, keeps and records', () => {
    expect(planDatabase(input({}))).toEqual({ action: 'create', reason: 'not found' });
    expect(planDatabase(input({ prior, observed: live() }))).toEqual({ action: 'noop', reason: 'matches config' });
    expect(planDatabase(input({ observed: live() }))).toEqual({ action: 'noop', reason: 'found matching config, not yet in state', record: true });
    expect(postgresDatabase.recordOutputs(live())).toEqual({ name: 'api', owner: 'api' });
  });

  it('changes the owner in place', () => {
    expect(planDatabase(input({ prior, desired: { name: 'api', owner: 'api2' }, observed: live() }))).toEqual({
      action: 'update', reason: 'config changed', diffs: [{ path: 'owner', before: 'api', after: 'api2' }],
    });
    const pending = planDatabase(input({ prior, desired: { name: 'api', owner: UNKNOWN }, desiredHash: undefined, observed: live() }));
    expect(pending).toMatchObject({ action: 'update', diffs: [{ path: 'owner', before: 'api', after: UNKNOWN }] });
  });

  it('replaces on a name change', () => {
    expect(planDatabase(input({ prior, desired: { name: 'shop', owner: 'api' }, observed: live() }))).toMatchObject({
      action: 'replace', forcedBy: ['name'],
    });
  });

  it('claims an unstamped database that matches', () => {
    expect(planDatabase(input({ prior, observed: live({ hash: undefined, notes: ['no omnitron ownership comment'] }) })))
      .toEqual({ action: 'update', reason: 'no omnitron ownership comment', diffs: [] });
  });

  it('deletes orphans', () => {
    expect(planDatabase(input({ desired: undefined, observed: live() }))).toEqual({ action: 'delete', reason: 'owned by this stack but not in config' });
  });
});
