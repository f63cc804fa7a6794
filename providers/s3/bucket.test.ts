import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ApplyOp, Observed, PlanInput, StateRecord } from '../../planner/resource.js';
import { testProviderContext } from '../../test/support/provider-context.js';
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

describe('s3_bucket delete', () => {
  it('stops with an error, instead of looping, when the server still lists what it said it deleted', async () => {
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/xml' }).end(req.method === 'GET'
        ? '<ListBucketResult><Contents><Key>stuck</Key></Contents></ListBucketResult>'
        : '<DeleteResult></DeleteResult>'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { ctx } = testProviderContext('bucket-delete');
    const op: ApplyOp = { action: 'delete', address, prior, connection: { endpoint, region: 'us-east-1', accessKey: 'omnitron', secretKey: 'root-secret' } };
    try {
      await expect(s3Bucket.apply(ctx, op)).rejects.toThrow(/could not delete bucket uploads: .*"stuck" is still listed after it was deleted/);
      expect(requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
