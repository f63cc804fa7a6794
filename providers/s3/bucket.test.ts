import { describe, expect, it } from 'vitest';
import type { Observed, PlanInput, StateRecord } from '../../planner/resource.js';
import { HOLDS_DATA } from '../../planner/plan.js';
import { planS3Bucket, s3Bucket } from './bucket.js';

const address = 's3_bucket.uploads';
const attrs = { name: 'uploads' };
const prior: StateRecord = { address, type: 's3_bucket', id: 'uploads', attributes: attrs, outputs: { name: 'uploads' }, dependsOn: [], sensitive: [], hash: 'h1', updatedAt: '' };
const live = (over: Partial<Observed> = {}): Observed => ({ address, type: 's3_bucket', id: 'uploads', attributes: attrs, hash: 'h1', owner: { kind: 'this' }, status: 'empty', ...over });
const input = (over: Partial<PlanInput>): PlanInput => ({ address, desired: attrs, desiredHash: 'h1', sensitive: [], ...over });

describe('s3_bucket plan', () => {
  it('creates a missing bucket, again when it was deleted outside omnitron', () => {
    expect(planS3Bucket(input({}))).toEqual({ action: 'create', reason: 'not found' });
    expect(planS3Bucket(input({ prior }))).toEqual({ action: 'create', reason: 'deleted outside omnitron' });
  });

  it('keeps a matching bucket, and records a marked one found without state', () => {
    expect(planS3Bucket(input({ prior, observed: live() }))).toEqual({ action: 'noop', reason: 'matches config' });
    expect(planS3Bucket(input({ observed: live() }))).toEqual({ action: 'noop', reason: 'found matching config, not yet in state', record: true });
    expect(s3Bucket.recordOutputs(live())).toEqual({ name: 'uploads' });
  });

  it('re-stamps a bucket whose marker is gone or stale', () => {
    expect(planS3Bucket(input({ prior, observed: live({ hash: undefined }) }))).toEqual({ action: 'update', reason: 'no omnitron marker', diffs: [] });
    expect(planS3Bucket(input({ prior, observed: live({ hash: 'h0' }) }))).toEqual({ action: 'update', reason: 'config hash diverged', diffs: [] });
  });

  it('replaces on a new name, deletes what left the config, trusts state when unreadable', () => {
    expect(planS3Bucket(input({ prior, desired: { name: 'uploads2' }, observed: live() }))).toMatchObject({ action: 'replace', forcedBy: ['name'] });
    expect(planS3Bucket(input({ desired: undefined, prior, observed: live({ status: HOLDS_DATA }) }))).toEqual({ action: 'delete', reason: 'no longer in config' });
    expect(planS3Bucket(input({ prior, unreadable: 'connect ECONNREFUSED' }))).toEqual({ action: 'noop', reason: 'could not read (connect ECONNREFUSED); state says it is up to date' });
  });
});
