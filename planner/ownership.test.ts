import { describe, expect, it } from 'vitest';
import { applyPlan } from './apply.js';
import { defaultDecision } from './diff.js';
import { configHash } from './hash.js';
import { judgeStamp, ownershipProblems } from './ownership.js';
import { makePlan, type PlanRequest } from './plan.js';
import type { Json } from './expr.js';
import type { DesiredResource, Observed, ResourceType, StateRecord } from './resource.js';
import type { Owner } from './owner.js';

const applied: string[] = [];
const thing: ResourceType = {
  type: 'thing', claimsObjects: true,
  plan: (input) => defaultDecision(input),
  apply: async (_ctx, op) => { applied.push(`${op.action} ${op.address}`); return op.action === 'delete' ? undefined : { id: 'live', attributes: op.attributes ?? null, outputs: {} }; },
};
const types = new Map([['thing', thing]]);
const desired = (address: string): DesiredResource => ({ address, type: 'thing', attributes: { name: address }, dependsOn: [], sensitive: [] });
const record = (address: string, extra: Partial<StateRecord> = {}): StateRecord =>
  ({ address, type: 'thing', attributes: { name: address }, outputs: {}, dependsOn: [], sensitive: [], hash: configHash({ name: address }), updatedAt: '', ...extra });
const live = (address: string, owner: Owner, id = 'live'): Observed => ({ address, type: 'thing', id, attributes: { name: address }, owner });
const other: Owner = { kind: 'other', who: 'omnitron project "p", stack "s", state lineage L2' };

function plan(over: Partial<PlanRequest>) {
  return makePlan({
    project: 'p', stack: 's', stackType: 'local', mode: 'normal', desired: [], prior: new Map(), observed: new Map(), unreadable: new Map(),
    types, binding: { stateLineage: 'L1', stateSerial: 0, configDigest: 'd' }, ...over,
  });
}

const byAddress = <T extends { address: string }>(...items: T[]) => new Map(items.map((i) => [i.address, i]));

describe('judgeStamp', () => {
  const scope = { project: 'p', stack: 's', lineage: 'L1' };
  it('knows this state, an older stamp of this stack, another state and no stamp', () => {
    expect(judgeStamp({ project: 'p', stack: 's', lineage: 'L1' }, scope)).toEqual({ kind: 'this' });
    expect(judgeStamp({ project: 'p', stack: 's' }, scope)).toEqual({ kind: 'unversioned' });
    expect(judgeStamp({ project: 'p', stack: 'prod', lineage: 'L1' }, scope)).toEqual({ kind: 'other', who: 'omnitron project "p", stack "prod", state lineage L1' });
    expect(judgeStamp(undefined, scope)).toEqual({ kind: 'none' });
  });
});

describe('ownershipProblems', () => {
  it('refuses an object in the way that this state did not make, naming it and the ways out', () => {
    const [problem, ...rest] = ownershipProblems([desired('thing.db')], new Map(), byAddress(live('thing.db', { kind: 'none' }, 'app')));
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ severity: 'error', address: 'thing.db', summary: 'thing "thing.db" already exists and is not created by omnitron' });
    expect(problem.detail).toContain('omnitron import thing.db thing.db');
    expect(ownershipProblems([desired('thing.db')], new Map(), byAddress(live('thing.db', other)))[0].summary)
      .toBe('thing "thing.db" already exists and is stamped by omnitron project "p", stack "s", state lineage L2');
    expect(ownershipProblems([desired('thing.db')], new Map(), byAddress(live('thing.db', { kind: 'unversioned' })))[0].summary)
      .toContain('by an older omnitron, but not recorded in this state');
  });

  it('accepts our own stamp, a record of this state, and an unstamped object an interrupted create of ours may have made', () => {
    expect(ownershipProblems([desired('thing.a')], new Map(), byAddress(live('thing.a', { kind: 'this' })))).toEqual([]);
    expect(ownershipProblems([desired('thing.a')], byAddress(record('thing.a', { id: 'live' })), byAddress(live('thing.a', { kind: 'none' })))).toEqual([]);
    expect(ownershipProblems([desired('thing.a')], byAddress(record('thing.a', { intent: true })), byAddress(live('thing.a', { kind: 'none' })))).toEqual([]);
  });

  it('refuses another state\'s object even where an intent or a record of another object stands', () => {
    expect(ownershipProblems([desired('thing.a')], byAddress(record('thing.a', { intent: true })), byAddress(live('thing.a', other)))).toHaveLength(1);
    expect(ownershipProblems([desired('thing.a')], byAddress(record('thing.a', { id: 'mine' })), byAddress(live('thing.a', other, 'theirs')))).toHaveLength(1);
    expect(ownershipProblems([desired('thing.a')], byAddress(record('thing.a', { id: 'theirs' })), byAddress(live('thing.a', other, 'theirs')))).toEqual([]);
  });
});

describe('plans with ownership', () => {
  it('treats an intent as not in state: a missing object is created, a found one recorded', () => {
    const intent = record('thing.a', { intent: true });
    expect(plan({ desired: [desired('thing.a')], prior: byAddress(intent) }).changes[0]).toMatchObject({ action: 'create', reason: 'not found' });
    const found = plan({ desired: [desired('thing.a')], prior: byAddress(intent), observed: byAddress(live('thing.a', { kind: 'none' })) }).changes[0];
    expect(found).toMatchObject({ action: 'noop', record: true });
    expect(found.prior).toBeUndefined();
  });

  it('destroys what an intent may have made, and forgets an intent whose create never ran', () => {
    const p = plan({ mode: 'destroy', prior: byAddress(record('thing.a', { intent: true }), record('thing.b', { intent: true })), observed: byAddress(live('thing.a', { kind: 'none' })) });
    expect(p.changes.map((c) => [c.address, c.action, c.action === 'noop' && c.forget === true])).toEqual([['thing.b', 'noop', true], ['thing.a', 'delete', false]]);
  });

  it('never deletes an orphan stamped by another state, and says so', () => {
    const p = plan({ observed: byAddress(live('thing.x', other, 'their-x'), live('thing.y', { kind: 'this' })) });
    expect(new Map(p.changes.map((c) => [c.address, c.action]))).toEqual(new Map([['thing.x', 'noop'], ['thing.y', 'delete']]));
    expect(p.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', address: 'thing.x', summary: expect.stringContaining('their-x carries this stack\'s name but was not made by this state') })]);
  });

  it('forgets a record whose object is gone when it is no longer in config', () => {
    const p = plan({ prior: byAddress(record('thing.gone')) });
    expect(p.changes[0]).toMatchObject({ action: 'noop', forget: true });
  });
});

describe('apply with ownership', () => {
  it('records a durable intent before creating, then the object', async () => {
    applied.length = 0;
    const log: string[] = [];
    const records = new Map<string, StateRecord>([['thing.gone', record('thing.gone')]]);
    const p = plan({ desired: [desired('thing.a')], prior: new Map(records) });
    await applyPlan({
      plan: p, types, parallelism: 1, sink: () => {},
      store: {
        get: (a) => records.get(a),
        upsert: async (r) => { log.push(`${r.intent ? 'intent' : 'record'} ${r.address}`); if (r.intent) expect(applied).toEqual([]); records.set(r.address, r); },
        remove: async (a) => { log.push(`forget ${a}`); records.delete(a); },
      },
      context: { scope: { project: 'p', stack: 's', root: '/tmp', stackDir: '/tmp', lineage: 'L1' }, clients: { docker: () => { throw new Error('unused'); }, transport: () => { throw new Error('unused'); }, forward: () => { throw new Error('unused'); } }, signal: new AbortController().signal },
    });
    expect(log).toEqual(['forget thing.gone', 'intent thing.a', 'record thing.a']);
    expect(applied).toEqual(['create thing.a']);
    expect(records.get('thing.a')).toMatchObject({ id: 'live', outputs: {} as Record<string, Json> });
    expect(records.get('thing.a')?.intent).toBeUndefined();
  });
});
