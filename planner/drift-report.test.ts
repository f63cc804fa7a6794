import { describe, expect, it } from 'vitest';
import { makePlan, type PlanRequest } from './plan.js';
import { classifyDrift, driftExitCode, ignoreAddresses, type DriftReport } from './drift-report.js';
import { defaultDecision } from './diff.js';
import { configHash } from './hash.js';
import { ref, template, type Json } from './expr.js';
import type { DesiredResource, Observed, ResourceType, RuntimeIssue, StateRecord } from './resource.js';

// In-memory types: the classification's rules, not a provider's, are under test.
const thing: ResourceType = { type: 'thing', plan: (input) => defaultDecision(input), apply: async () => undefined };
/** Like a container: attributes equal but not running is an update on the `status` pseudo-attribute. */
const box: ResourceType = {
  type: 'box',
  plan: (input) => {
    if (input.desired !== undefined && input.observed && input.observed.status === 'exited') {
      return { action: 'update', reason: 'container is exited', diffs: [{ path: 'status', before: 'exited', after: 'running' }] };
    }
    return defaultDecision(input);
  },
  apply: async () => undefined,
};
/** Like an agent: apps that gave up make it plan a reload, which drift reports as runtime drift only. */
const agent: ResourceType = {
  type: 'agent',
  plan: (input) => (input.observed?.runtime?.length ? { action: 'update', reason: 'apps not running', diffs: [{ path: 'apps', before: 'failed', after: 'running' }] } : defaultDecision(input)),
  apply: async () => undefined,
};
const types = new Map([[thing.type, thing], [box.type, box], [agent.type, agent]]);

const SECRET = 'hunter2-S3cret';
const SECRET_NEW = 'rotated-S3cret';

const desired = (address: string, attributes: DesiredResource['attributes'], sensitive: string[] = []): DesiredResource =>
  ({ address, type: address.split('.')[0], attributes, dependsOn: [], sensitive });
const record = (address: string, attributes: Json, extra: Partial<StateRecord> = {}): StateRecord =>
  ({ address, type: address.split('.')[0], attributes, outputs: {}, dependsOn: [], sensitive: [], hash: configHash(attributes), updatedAt: '', ...extra });
const live = (address: string, attributes: Json, extra: Partial<Observed> = {}): Observed => ({ address, type: address.split('.')[0], attributes, ...extra });

function request(parts: { desired?: DesiredResource[]; prior?: StateRecord[]; observed?: Observed[]; unreadable?: Array<[string, string]>; stackType?: string }): PlanRequest {
  return {
    project: 'acme', stack: 'dev', stackType: parts.stackType ?? 'local', mode: 'normal',
    desired: parts.desired ?? [], prior: new Map((parts.prior ?? []).map((r) => [r.address, r])),
    observed: new Map((parts.observed ?? []).map((o) => [o.address, o])), unreadable: new Map(parts.unreadable ?? []),
    types, binding: { stateLineage: 'l', stateSerial: 1, configDigest: 'd' },
  };
}

function classify(parts: Parameters<typeof request>[0], nodes: string[] = []): DriftReport {
  const req = request(parts);
  return classifyDrift(req, makePlan(req), { nodes });
}

describe('classifyDrift', () => {
  it('finds nothing when live, state and config agree', () => {
    const r = classify({ desired: [desired('thing.a', { size: 1 })], prior: [record('thing.a', { size: 1 })], observed: [live('thing.a', { size: 1 })] });
    expect(r).toMatchObject({ outside: [], runtime: [], pending: [], unreadable: [] });
    expect(driftExitCode(r)).toBe(0);
  });

  it('an attribute edited by hand is changed outside omnitron, state → live', () => {
    const r = classify({ desired: [desired('thing.a', { size: 1, name: 'a' })], prior: [record('thing.a', { size: 1, name: 'a' })], observed: [live('thing.a', { size: 2, name: 'a' })] });
    expect(r.outside).toEqual([{ address: 'thing.a', type: 'thing', target: 'local', kind: 'changed', summary: 'changed outside omnitron', recordable: true, attributes: [{ path: 'size', before: 1, after: 2 }] }]);
    expect(r.pending).toEqual([]);
    expect(driftExitCode(r)).toBe(2);
  });

  it('a config edit is a config change not yet applied, state → config, with nothing outside', () => {
    const r = classify({ desired: [desired('thing.a', { size: 3 })], prior: [record('thing.a', { size: 1 })], observed: [live('thing.a', { size: 1 })] });
    expect(r.outside).toEqual([]);
    expect(r.pending).toEqual([{ address: 'thing.a', type: 'thing', target: 'local', kind: 'update', summary: 'config changed', attributes: [{ path: 'size', before: 1, after: 3 }] }]);
    expect(driftExitCode(r)).toBe(3);
  });

  it('tells both apart on one resource: the outside edit and the config edit each on their own attribute', () => {
    const r = classify({ desired: [desired('thing.a', { size: 1, tag: 'new' })], prior: [record('thing.a', { size: 1, tag: 'old' })], observed: [live('thing.a', { size: 9, tag: 'old' })] });
    expect(r.outside.map((o) => o.attributes)).toEqual([[{ path: 'size', before: 1, after: 9 }]]);
    expect(r.pending.map((p) => p.attributes)).toEqual([[{ path: 'tag', before: 'old', after: 'new' }]]);
    expect(driftExitCode(r)).toBe(2);
  });

  it('a stopped container is changed outside omnitron but not recordable: state has no place for its status', () => {
    const r = classify({ desired: [desired('box.redis', { image: 'r' })], prior: [record('box.redis', { image: 'r' })], observed: [live('box.redis', { image: 'r' }, { status: 'exited' })] });
    expect(r.outside).toEqual([{ address: 'box.redis', type: 'box', target: 'local', kind: 'changed', summary: 'container is exited', recordable: false, attributes: [{ path: 'status', before: 'running', after: 'exited' }] }]);
  });

  it('an object deleted by hand is deleted outside omnitron, and recordable (state forgets it)', () => {
    const r = classify({ desired: [desired('thing.a', { size: 1 })], prior: [record('thing.a', { size: 1 })] });
    expect(r.outside).toEqual([{ address: 'thing.a', type: 'thing', target: 'local', kind: 'deleted', summary: 'deleted outside omnitron', recordable: true, attributes: [] }]);
    expect(r.pending).toEqual([]);
  });

  it('never carries a secret value: sensitive attributes keep only their path', () => {
    const r = classify({
      desired: [desired('thing.a', { env: { PASSWORD: SECRET_NEW, USER: 'u' } }, ['env.PASSWORD'])],
      prior: [record('thing.a', { env: { PASSWORD: SECRET, USER: 'u' } }, { sensitive: ['attributes.env.PASSWORD'] })],
      observed: [live('thing.a', { env: { PASSWORD: 'typed-by-hand-S3cret', USER: 'u' } })],
    });
    expect(r.outside[0].attributes).toEqual([{ path: 'env.PASSWORD', sensitive: true }]);
    expect(r.pending[0].attributes).toEqual([{ path: 'env.PASSWORD', sensitive: true }]);
    expect(JSON.stringify(r)).not.toMatch(/S3cret/);
  });

  it('masks live values nobody configured when their name says secret or they are URLs with a password', () => {
    const r = classify({
      desired: [desired('thing.env', { vars: { LOG: 'debug' } })],
      prior: [record('thing.env', { vars: { LOG: 'debug' } })],
      observed: [live('thing.env', { vars: { LOG: 'debug', STRIPE_API_KEY: 'sk-live-S3cret', BACKUP: 'postgres://u:S3cret@db/x', SITE: 'https://example.org/a@b', NOTE: 'plain' } })],
    });
    expect(r.outside[0].attributes).toEqual([
      { path: 'vars.BACKUP', sensitive: true },
      { path: 'vars.NOTE', after: 'plain' },
      { path: 'vars.SITE', after: 'https://example.org/a@b' },
      { path: 'vars.STRIPE_API_KEY', sensitive: true },
    ]);
    expect(JSON.stringify(r)).not.toMatch(/S3cret/);
  });

  it('an app that gave up is runtime drift only, not also its agent changed outside omnitron', () => {
    const issue: RuntimeIssue = { target: 'local', app: 'ledger', state: 'failed', restarts: 5, lastExit: 'exit code 1' };
    const req = request({ desired: [desired('agent.apps', { m: 1 })], prior: [record('agent.apps', { m: 1 })], observed: [live('agent.apps', { m: 1 }, { runtime: [issue] })] });
    const plan = makePlan(req);
    expect(plan.changes[0].action, 'the plan still reloads the agent').toBe('update');
    const r = classifyDrift(req, plan, { nodes: [] });
    expect(r.outside).toEqual([]);
    expect(r.runtime).toEqual([issue]);
    expect(driftExitCode(r)).toBe(2);
  });

  it('new resources, removed resources and not-yet-known values are config changes not yet applied', () => {
    const r = classify({
      desired: [desired('thing.new', { size: 1 }), desired('thing.user', { url: template('x:', ref('thing.new', 'id')) })],
      prior: [record('thing.gone', { size: 1 }), record('thing.user', { url: 'x:old' })],
      observed: [live('thing.gone', { size: 1 }), live('thing.user', { url: 'x:old' })],
    });
    expect(r.outside).toEqual([]);
    expect(r.pending.map((p) => [p.address, p.kind, p.summary])).toEqual([['thing.gone', 'delete', 'no longer in config'], ['thing.new', 'create', 'not found'], ['thing.user', 'update', 'config changed']]);
    expect(r.pending[2].attributes).toEqual([{ path: 'url', before: 'x:old', afterUnknown: true }]);
  });

  it('a removal the plan keeps is nothing pending', () => {
    const kept: ResourceType = { type: 'vol', plan: () => ({ action: 'noop', reason: 'data volume kept (pass --volumes to delete it)' }), apply: async () => undefined };
    const req = { ...request({ prior: [record('vol.data', { name: 'data' })], observed: [live('vol.data', { name: 'data' })] }), types: new Map([['vol', kept]]) };
    const r = classifyDrift(req, makePlan(req), { nodes: [] });
    expect(r.pending).toEqual([]);
    expect(r.outside).toEqual([]);
  });

  it('names unreadable objects and judges nothing about them', () => {
    const r = classify({ desired: [desired('thing.a', { size: 1 })], prior: [record('thing.a', { size: 1 })], unreadable: [['thing.a', 'connection refused']] });
    expect(r.outside).toEqual([]);
    expect(r.unreadable).toEqual([{ address: 'thing.a', why: 'connection refused' }]);
    expect(driftExitCode(r)).toBe(0);
  });

  it('groups node resources under their node on a remote stack, the rest under "stack"', () => {
    const r = classify({
      stackType: 'cluster',
      desired: [desired('thing.web-1.nginx', { v: 2 }), desired('thing.web-1', { v: 2 }), desired('thing.shared', { v: 2 })],
      prior: [record('thing.web-1.nginx', { v: 1 }), record('thing.web-1', { v: 1 }), record('thing.shared', { v: 1 })],
      observed: [live('thing.web-1.nginx', { v: 1 }), live('thing.web-1', { v: 1 }), live('thing.shared', { v: 1 })],
    }, ['web-1']);
    expect(r.pending.map((p) => [p.address, p.target]).sort()).toEqual([['thing.shared', 'stack'], ['thing.web-1', 'web-1'], ['thing.web-1.nginx', 'web-1']]);
  });
});

describe('ignoreAddresses', () => {
  const issue: RuntimeIssue = { target: 'local', app: 'ledger', state: 'backoff', restarts: 2 };
  const report = (): DriftReport => ({
    ...classify({ desired: [desired('thing.a', { size: 3 }), desired('thing.b', { size: 1 })], prior: [record('thing.a', { size: 1 }), record('thing.b', { size: 1 })], observed: [live('thing.a', { size: 1 }), live('thing.b', { size: 2 })] }),
    runtime: [issue],
  });

  it('leaves out findings by address and an app\'s runtime drift by app.NAME, counting what it hid', () => {
    const r = ignoreAddresses(report(), ['thing.b', 'app.ledger']);
    expect(r.outside).toEqual([]);
    expect(r.runtime).toEqual([]);
    expect(r.pending.map((p) => p.address)).toEqual(['thing.a']);
    expect(r.ignored).toEqual([{ address: 'thing.b', findings: 1 }, { address: 'app.ledger', findings: 1 }]);
    expect(driftExitCode(r), 'what is left is only a config change').toBe(3);
  });

  it('changes nothing without addresses', () => {
    const before = report();
    expect(ignoreAddresses(before, [])).toBe(before);
  });
});
