import { describe, expect, it } from 'vitest';
import type { Observed, PlanInput, StateRecord } from '../../planner/resource.js';
import { IN_USE, OUT_OF_RANGE } from './probe.js';
import { planRedisDatabase, redisDatabase } from './redis-database.js';

const address = 'redis_database.api';
const attrs = { index: 3, app: 'api', purpose: 'app' };
const prior: StateRecord = { address, type: 'redis_database', id: '3', attributes: attrs, outputs: { index: 3 }, dependsOn: [], sensitive: [], hash: 'h1', updatedAt: '' };
const live = (over: Partial<Observed> = {}): Observed => ({ address, type: 'redis_database', id: '3', attributes: attrs, hash: 'h1', ...over });
const input = (over: Partial<PlanInput>): PlanInput => ({ address, desired: attrs, desiredHash: 'h1', sensitive: [], ...over });

describe('redis_database plan', () => {
  it('creates, keeps, and records a marked DB found without state', () => {
    expect(planRedisDatabase(input({}))).toEqual({ action: 'create', reason: 'not found' });
    expect(planRedisDatabase(input({ prior, observed: live() }))).toEqual({ action: 'noop', reason: 'matches config' });
    expect(planRedisDatabase(input({ observed: live() }))).toEqual({ action: 'noop', reason: 'found matching config, not yet in state', record: true });
    expect(redisDatabase.recordOutputs(live())).toEqual({ index: 3 });
  });

  it('says up front when the index is beyond the server\'s databases or taken', () => {
    const note = "index 3 is beyond the server's 2 databases (0-1): raise `databases`";
    expect(planRedisDatabase(input({ observed: live({ status: OUT_OF_RANGE, attributes: { index: 3 }, hash: undefined, notes: [note] }) })))
      .toEqual({ action: 'create', reason: `not found; ${note}` });
    expect(planRedisDatabase(input({ observed: live({ status: IN_USE, hash: undefined, notes: ['index 3 is used by omnitron shop/prod redis_database.x'] }) })))
      .toEqual({ action: 'create', reason: 'not found; index 3 is used by omnitron shop/prod redis_database.x' });
    expect(planRedisDatabase(input({ desired: undefined, prior, observed: live({ status: IN_USE, notes: ['index 3 is used by x'] }) })))
      .toEqual({ action: 'noop', reason: 'already gone (index 3 is used by x)' });
  });

  it('adopts unmarked data at the wanted index by setting the marker', () => {
    const observed = live({ hash: undefined, attributes: { index: 3 }, notes: ['index 3 holds 9 keys without an omnitron marker'] });
    expect(planRedisDatabase(input({ observed }))).toEqual({
      action: 'update', reason: 'index 3 holds 9 keys without an omnitron marker',
      diffs: [{ path: 'app', after: 'api' }, { path: 'purpose', after: 'app' }],
    });
  });

  it('replaces (flush old, claim new) on an index change and updates on app/purpose/hash changes', () => {
    expect(planRedisDatabase(input({ prior, desired: { ...attrs, index: 4 }, observed: live() }))).toMatchObject({ action: 'replace', forcedBy: ['index'] });
    expect(planRedisDatabase(input({ prior, desired: { ...attrs, app: 'api2' }, observed: live() })))
      .toEqual({ action: 'update', reason: 'config changed', diffs: [{ path: 'app', before: 'api', after: 'api2' }] });
    expect(planRedisDatabase(input({ prior, observed: live({ hash: 'h0' }) }))).toEqual({ action: 'update', reason: 'config hash diverged', diffs: [] });
  });

  it('destroys (flushes) DBs no longer in config and orphans; trusts state when unreadable', () => {
    expect(planRedisDatabase(input({ desired: undefined, prior, observed: live() }))).toEqual({ action: 'delete', reason: 'no longer in config' });
    expect(planRedisDatabase(input({ desired: undefined, observed: live() }))).toEqual({ action: 'delete', reason: 'owned by this stack but not in config' });
    expect(planRedisDatabase(input({ prior, unreadable: 'connect ECONNREFUSED' })))
      .toEqual({ action: 'noop', reason: 'could not read (connect ECONNREFUSED); state says it is up to date' });
  });
});
