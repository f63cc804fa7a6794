import { describe, expect, it } from 'vitest';
import { HOLDS_DATA, makePlan, type PlanRequest } from './plan.js';
import { defaultDecision } from './diff.js';
import { configHash } from './hash.js';
import { ref, template, UNKNOWN, type Json } from './expr.js';
import type { DesiredResource, Observed, ResourceType, StateRecord } from './resource.js';

// A pure in-memory type: the planner's rules, not a provider's, are under test here.
const fake: ResourceType = { type: 'thing', plan: (input) => defaultDecision(input, { replaceOn: ['name'] }), apply: async () => undefined };
const types = new Map([['thing', fake]]);

const desired = (address: string, attributes: DesiredResource['attributes'], dependsOn: string[] = [], sensitive: string[] = []): DesiredResource =>
  ({ address, type: 'thing', attributes, dependsOn, sensitive });
const record = (address: string, attributes: Json, outputs: Record<string, Json> = {}): StateRecord =>
  ({ address, type: 'thing', attributes, outputs, dependsOn: [], sensitive: [], hash: configHash(attributes), updatedAt: '' });
const observed = (address: string, attributes: Json): Observed => ({ address, type: 'thing', attributes });

function plan(over: Partial<PlanRequest>) {
  return makePlan({
    project: 'p', stack: 's', stackType: 'local', mode: 'normal', desired: [], prior: new Map(), observed: new Map(), unreadable: new Map(),
    types, binding: { stateLineage: 'l', stateSerial: 0, configDigest: 'd' }, ...over,
  });
}

describe('makePlan', () => {
  it('creates what is missing, in dependency order, with refs to new resources unknown', () => {
    const p = plan({ desired: [desired('thing.b', { name: 'b', url: template('x:', ref('thing.a', 'secret')) }, [], ['url']), desired('thing.a', { name: 'a' })] });
    expect(p.changes.map((c) => [c.address, c.action])).toEqual([['thing.a', 'create'], ['thing.b', 'create']]);
    const url = p.changes[1].diffs.find((d) => d.path === 'url')!;
    expect(url.after).toBe(UNKNOWN);
    expect(url.sensitive).toBe(true);
    expect(p.changes[1].dependsOn).toEqual(['thing.a']);
  });

  it('is a no-op when live matches config, and resolves refs from prior outputs', () => {
    const a = record('thing.a', { name: 'a' }, { secret: 'pw' });
    const b = record('thing.b', { name: 'b', url: 'x:pw' });
    const p = plan({
      desired: [desired('thing.a', { name: 'a' }), desired('thing.b', { name: 'b', url: template('x:', ref('thing.a', 'secret')) })],
      prior: new Map([[a.address, a], [b.address, b]]),
      observed: new Map([['thing.a', observed('thing.a', { name: 'a' })], ['thing.b', observed('thing.b', { name: 'b', url: 'x:pw' })]]),
    });
    expect(p.changes.map((c) => c.action)).toEqual(['noop', 'noop']);
    expect(p.drift).toEqual([]);
  });

  it('marks out-of-band changes as drift when the config did not change', () => {
    const a = record('thing.a', { name: 'a', size: 1 });
    const p = plan({ desired: [desired('thing.a', { name: 'a', size: 1 })], prior: new Map([[a.address, a]]), observed: new Map([['thing.a', observed('thing.a', { name: 'a', size: 2 })]]) });
    expect(p.changes[0]).toMatchObject({ action: 'update', drifted: true, reason: 'changed outside omnitron' });
    expect(p.drift).toEqual([{ address: 'thing.a', summary: 'changed outside omnitron' }]);
  });

  it('calls a config change a config change when the live object lists the same keys in another order', () => {
    const a = record('thing.a', { name: 'a', env: { B: '1', A: '2' } });
    const live = observed('thing.a', { env: { A: '2', B: '1' }, name: 'a' });
    const p = plan({ desired: [desired('thing.a', { name: 'a', env: { B: '1', A: '3' } })], prior: new Map([[a.address, a]]), observed: new Map([['thing.a', live]]) });
    expect(p.changes[0]).toMatchObject({ action: 'update', reason: 'config changed' });
    const [c] = p.changes;
    expect('drifted' in c ? c.drifted : undefined).toBeUndefined();
    expect(p.drift).toEqual([]);
  });

  it('replaces when a replace-only attribute changes, naming it, and makes dependents unknown', () => {
    const a = record('thing.a', { name: 'a' }, { secret: 'pw' });
    const b = record('thing.b', { name: 'b', url: 'x:pw' });
    const p = plan({
      desired: [desired('thing.a', { name: 'a2' }), desired('thing.b', { name: 'b', url: template('x:', ref('thing.a', 'secret')) })],
      prior: new Map([[a.address, a], [b.address, b]]),
      observed: new Map([['thing.a', observed('thing.a', { name: 'a' })], ['thing.b', observed('thing.b', { name: 'b', url: 'x:pw' })]]),
    });
    expect(p.changes[0]).toMatchObject({ action: 'replace', forcedBy: ['name'] });
    expect(p.changes[1]).toMatchObject({ action: 'update' });
    expect(p.changes[1].diffs[0]).toMatchObject({ path: 'url', after: UNKNOWN });
  });

  it('deletes orphans first, dependents before their dependencies', () => {
    const db = record('thing.db', { name: 'db' });
    const app = { ...record('thing.app', { name: 'app' }), dependsOn: ['thing.db'] };
    const p = plan({
      desired: [desired('thing.new', { name: 'new' })],
      prior: new Map([[db.address, db], [app.address, app]]),
      observed: new Map([['thing.db', observed('thing.db', { name: 'db' })], ['thing.app', observed('thing.app', { name: 'app' })], ['thing.stray', observed('thing.stray', { name: 'stray' })]]),
    });
    expect(p.changes.map((c) => [c.address, c.action, c.reason])).toEqual([
      ['thing.app', 'delete', 'no longer in config'],
      ['thing.stray', 'delete', 'owned by this stack but not in config'],
      ['thing.db', 'delete', 'no longer in config'],
      ['thing.new', 'create', 'not found'],
    ]);
  });

  it('honours --replace and --target with its dependencies', () => {
    const a = record('thing.a', { name: 'a' });
    const p = plan({
      desired: [desired('thing.a', { name: 'a' }), desired('thing.b', { name: 'b' }, ['thing.a']), desired('thing.c', { name: 'c' })],
      prior: new Map([[a.address, a]]), observed: new Map([['thing.a', observed('thing.a', { name: 'a' })]]),
      replace: new Set(['thing.a']), targets: new Set(['thing.b']),
    });
    expect(p.changes.map((c) => [c.address, c.action, 'forcedBy' in c ? c.forcedBy : undefined])).toEqual([['thing.a', 'replace', ['requested']], ['thing.b', 'create', undefined]]);
  });

  it('records a live object that state lost, and trusts state for unreadable objects', () => {
    const b = record('thing.b', { name: 'b' });
    const p = plan({
      desired: [desired('thing.a', { name: 'a' }), desired('thing.b', { name: 'b' })],
      prior: new Map([[b.address, b]]),
      observed: new Map([['thing.a', observed('thing.a', { name: 'a' })]]),
      unreadable: new Map([['thing.b', 'server down']]),
    });
    expect(p.changes.map((c) => [c.action, ('record' in c ? c.record : undefined) ?? false])).toEqual([['noop', true], ['noop', false]]);
  });

  it('each change carries only what its action needs: apply input on create/update/replace/record, a connection on an orphan delete', () => {
    const gone = observed('thing.orphan', { name: 'o' });
    const kept = record('thing.kept', { name: 'k' });
    const p = plan({
      desired: [{ ...desired('thing.new', { name: 'n' }), connection: { host: 'h' } }, desired('thing.kept', { name: 'k' }), desired('thing.found', { name: 'f' })],
      prior: new Map([[kept.address, kept]]),
      observed: new Map([['thing.kept', observed('thing.kept', { name: 'k' })], ['thing.found', observed('thing.found', { name: 'f' })], [gone.address, gone]]),
    });
    const by = new Map(p.changes.map((c) => [c.address, c]));
    expect(by.get('thing.new')).toMatchObject({ action: 'create', desired: { attributes: { name: 'n' }, connection: { host: 'h' }, sensitive: [] } });
    expect(by.get('thing.kept')).not.toHaveProperty('desired');
    expect(by.get('thing.found')).toMatchObject({ action: 'noop', record: true, desired: { attributes: { name: 'f' } }, observed: { address: 'thing.found' } });
    expect(by.get('thing.orphan')).toMatchObject({ action: 'delete', connection: { host: 'h' } });
    expect(by.get('thing.orphan')).not.toHaveProperty('desired');
    expect(p.changes.filter((c) => 'forcedBy' in c)).toEqual([]);
  });

  it('asks a type for its steps once the action is final, and the change carries them', () => {
    const asked: string[] = [];
    const stepping: ResourceType = { ...fake, planSteps: (action, input) => { asked.push(`${input.address} ${action}`); return { action, seen: input.observed !== undefined }; } };
    const vol = { ...record('docker_volume.pg', { name: 'v' }), type: 'docker_volume' };
    const a = record('thing.a', { name: 'a' });
    const p = plan({
      desired: [desired('thing.a', { name: 'a' }), desired('thing.b', { name: 'b' }), desired('thing.c', { name: 'c' })], replace: new Set(['thing.a']), keepVolumes: true,
      types: new Map([['thing', stepping], ['docker_volume', { ...stepping, type: 'docker_volume' }]]),
      prior: new Map([[a.address, a], [vol.address, vol]]),
      observed: new Map([['thing.a', observed('thing.a', { name: 'a' })], ['thing.c', observed('thing.c', { name: 'c' })], ['thing.gone', observed('thing.gone', { name: 'g' })], [vol.address, { ...observed(vol.address, { name: 'v' }), type: 'docker_volume' }]]),
    });
    expect(p.changes.find((c) => c.address === vol.address)).toMatchObject({ action: 'noop', reason: 'data volume kept (pass --volumes to delete it)' });
    const steps = Object.fromEntries(p.changes.map((c) => [c.address, c.action === 'noop' ? 'none' : c.steps]));
    expect(steps).toEqual({
      'thing.gone': { action: 'delete', seen: true }, 'docker_volume.pg': 'none',
      'thing.a': { action: 'replace', seen: true }, 'thing.b': { action: 'create', seen: false }, 'thing.c': 'none',
    });
    expect(asked.sort()).toEqual(['thing.a replace', 'thing.b create', 'thing.gone delete']);
  });

  it('destroy without --volumes also keeps the secrets a kept volume was written with', () => {
    const vol = { ...record('docker_volume.pg', { name: 'v' }), type: 'docker_volume' };
    const secret = { ...record('random_password.pg', { length: 40 }), type: 'random_password' };
    const other = { ...record('random_password.jwt', { length: 40 }), type: 'random_password' };
    const container = { ...record('thing.pg', { name: 'pg' }), dependsOn: ['docker_volume.pg', 'random_password.pg'] };
    const keepAll: ResourceType = { ...fake, plan: (input) => defaultDecision(input) };
    const p = plan({
      mode: 'destroy', keepVolumes: true,
      types: new Map([['thing', fake], ['docker_volume', { ...keepAll, type: 'docker_volume' }], ['random_password', { ...keepAll, type: 'random_password' }]]),
      prior: new Map([[vol.address, vol], [secret.address, secret], [other.address, other], [container.address, container]]),
      observed: new Map([[vol.address, { ...observed(vol.address, { name: 'v' }), type: 'docker_volume' }], [secret.address, { ...observed(secret.address, { length: 40 }), type: 'random_password' }], [other.address, { ...observed(other.address, { length: 40 }), type: 'random_password' }], [container.address, observed(container.address, { name: 'pg' })]]),
    });
    expect(Object.fromEntries(p.changes.map((c) => [c.address, c.action]))).toEqual({
      'thing.pg': 'delete', 'docker_volume.pg': 'noop', 'random_password.pg': 'noop', 'random_password.jwt': 'delete',
    });
  });

  it('destroy mode deletes everything but keeps volumes unless asked', () => {
    const vol = { ...record('docker_volume.pg', { name: 'v' }), type: 'docker_volume' };
    const volumeType: ResourceType = { ...fake, type: 'docker_volume' };
    const p = plan({
      mode: 'destroy', desired: [desired('thing.a', { name: 'a' })], keepVolumes: true,
      types: new Map([['thing', fake], ['docker_volume', volumeType]]),
      prior: new Map([['docker_volume.pg', vol]]), observed: new Map([['thing.a', observed('thing.a', { name: 'a' })], ['docker_volume.pg', { ...observed('docker_volume.pg', { name: 'v' }), type: 'docker_volume' }]]),
    });
    expect(p.changes.map((c) => [c.address, c.action])).toEqual([['thing.a', 'delete'], ['docker_volume.pg', 'noop']]);
  });

  it('keeps an object that holds data (a non-empty bucket) unless --volumes, and deletes an empty one', () => {
    const full = record('thing.full', { name: 'full' });
    const empty = record('thing.empty', { name: 'empty' });
    const request = (keepVolumes: boolean) => plan({
      mode: 'destroy', keepVolumes,
      prior: new Map([[full.address, full], [empty.address, empty]]),
      observed: new Map([[full.address, { ...observed(full.address, { name: 'full' }), status: HOLDS_DATA }], [empty.address, { ...observed(empty.address, { name: 'empty' }), status: 'empty' }]]),
    });
    expect(request(true).changes.map((c) => [c.address, c.action, c.reason])).toEqual([
      ['thing.full', 'noop', 'holds data: kept (pass --volumes to delete it with its contents)'], ['thing.empty', 'delete', 'no longer in config'],
    ]);
    expect(request(false).changes.map((c) => [c.address, c.action])).toEqual([['thing.full', 'delete'], ['thing.empty', 'delete']]);
  });

  it('destroy keeps what its type keeps while it is still configured (host-key pins); a normal plan forgets it once unconfigured', () => {
    const pinType: ResourceType = {
      type: 'pin', keptByDestroy: 'pin kept', apply: async () => undefined,
      plan: (i) => (i.desired === undefined ? { action: 'delete', reason: 'node no longer in config' } : { action: 'noop', reason: 'pinned' }),
    };
    const pin = { ...record('pin.web', { node: 'web' }), type: 'pin' };
    const gonePin = { ...record('pin.old', { node: 'old' }), type: 'pin' };
    const base = { types: new Map([['thing', fake], ['pin', pinType]]), prior: new Map([['pin.web', pin], ['pin.old', gonePin]]), observed: new Map() };
    const destroyed = plan({ ...base, mode: 'destroy', desired: [{ ...desired('pin.web', { node: 'web' }), type: 'pin' }] });
    const rows = (p: ReturnType<typeof plan>) => p.changes.map((c) => [c.address, c.action, c.reason]).sort();
    expect(rows(destroyed)).toEqual([['pin.old', 'delete', 'node no longer in config'], ['pin.web', 'noop', 'pin kept']]);
    const normal = plan({ ...base, mode: 'normal', desired: [] });
    expect(rows(normal)).toEqual([['pin.old', 'delete', 'node no longer in config'], ['pin.web', 'delete', 'node no longer in config']]);
  });
});
