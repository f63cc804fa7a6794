import { describe, expect, it } from 'vitest';
import { applyPlan } from './apply.js';
import { makePlan } from './plan.js';
import { defaultDecision } from './diff.js';
import { configHash } from './hash.js';
import type { ApplyOp, ResourceType, StateRecord } from './resource.js';
import { loadStateKey, openRecord, sealRecord } from './state/encryption.js';

describe('applyPlan', () => {
  it('hands every change its planned steps unchanged, deletes included', async () => {
    const ops: ApplyOp[] = [];
    const thing: ResourceType = {
      type: 'thing',
      plan: (input) => defaultDecision(input, { replaceOn: ['name'] }),
      planSteps: (action, input) => ({ action, live: input.observed?.id ?? null }),
      apply: async (_ctx, op) => { ops.push(op); return op.action === 'delete' ? undefined : { attributes: op.attributes ?? null, outputs: {} }; },
    };
    const old: StateRecord = { address: 'thing.old', type: 'thing', attributes: { name: 'o' }, outputs: {}, dependsOn: [], sensitive: [], hash: configHash({ name: 'o' }), updatedAt: '' };
    const plan = makePlan({
      project: 'p', stack: 's', stackType: 'local', mode: 'normal', unreadable: new Map(), types: new Map([['thing', thing]]),
      desired: [{ address: 'thing.a', type: 'thing', attributes: { name: 'a' }, dependsOn: [], sensitive: [] }],
      prior: new Map([[old.address, old]]),
      observed: new Map([['thing.old', { address: 'thing.old', type: 'thing', id: 'live-1', attributes: { name: 'o' } }]]),
      binding: { stateLineage: 'l', stateSerial: 0, configDigest: 'd' },
    });
    const records = new Map([[old.address, old]]);
    const outcome = await applyPlan({
      plan, types: new Map([['thing', thing]]), parallelism: 1, sink: () => {},
      store: { get: (a) => records.get(a), upsert: async (r) => { records.set(r.address, r); }, remove: async (a) => { records.delete(a); } },
      context: { scope: { project: 'p', stack: 's', root: '/tmp', stackDir: '/tmp', lineage: 'test-lineage' }, clients: { docker: () => { throw new Error('unused'); }, transport: () => { throw new Error('unused'); }, forward: () => { throw new Error('unused'); } }, signal: new AbortController().signal },
    });
    expect(outcome.failed).toEqual([]);
    expect(ops.map((op) => [op.address, op.action, op.steps])).toEqual([
      ['thing.old', 'delete', { action: 'delete', live: 'live-1' }],
      ['thing.a', 'create', { action: 'create', live: null }],
    ]);
  });

  it('records an external server connection\'s password as a secret, so state seals it', async () => {
    const thing: ResourceType = { type: 'thing', plan: (input) => defaultDecision(input), apply: async (_ctx, op) => ({ attributes: op.attributes ?? null, outputs: {} }) };
    const connection = { host: 'db.example.com', port: 5432, user: 'admin', password: 'hunter2' };
    const plan = makePlan({
      project: 'p', stack: 's', stackType: 'remote', mode: 'normal', unreadable: new Map(), types: new Map([['thing', thing]]), prior: new Map(), observed: new Map(),
      desired: [{ address: 'thing.a', type: 'thing', attributes: { name: 'a' }, connection, dependsOn: [], sensitive: [] }],
      binding: { stateLineage: 'l', stateSerial: 0, configDigest: 'd' },
    });
    const records = new Map<string, StateRecord>();
    await applyPlan({
      plan, types: new Map([['thing', thing]]), parallelism: 1, sink: () => {},
      store: { get: (a) => records.get(a), upsert: async (r) => { records.set(r.address, r); }, remove: async (a) => { records.delete(a); } },
      context: { scope: { project: 'p', stack: 's', root: '/tmp', stackDir: '/tmp', lineage: 'test-lineage' }, clients: { docker: () => { throw new Error('unused'); }, transport: () => { throw new Error('unused'); }, forward: () => { throw new Error('unused'); } }, signal: new AbortController().signal },
    });
    expect(records.get('thing.a')?.sensitive).toContain('connection.password');
    const key = await loadStateKey({ env: { OMNITRON_STATE_KEY: 'a'.repeat(64) } });
    const sealed = await sealRecord(records.get('thing.a')!, key);
    expect(JSON.stringify(sealed)).not.toContain('hunter2');
    expect((await openRecord(sealed, key)).connection).toEqual(connection);
  });
});
