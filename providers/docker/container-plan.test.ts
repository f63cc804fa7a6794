import { describe, expect, it } from 'vitest';
import { UNKNOWN, type Json, type Value } from '../../planner/expr.js';
import type { ApplyAction, Observed, PlanInput, StateRecord } from '../../planner/resource.js';
import type { ContainerAttributes } from './container-attributes.js';
import { dockerContainer } from './container.js';

const address = 'service.redis.container';
const HASH = 'a'.repeat(32);

function attrs(over: Partial<ContainerAttributes> = {}): ContainerAttributes {
  return {
    name: 'shop-dev-redis',
    image: 'omnitron-local/redis:7',
    env: { MODE: 'dev', REDIS_PASSWORD: 'hunter2hunter2' },
    ports: [{ name: 'main', container: 6379, host: 16379, hostIp: '127.0.0.1' }],
    volumes: [{ type: 'volume', source: 'shop-dev-redis-data', target: '/data', readonly: false }],
    network: 'shop-dev_default',
    aliases: ['redis'],
    restart: 'unless-stopped',
    labels: {},
    extraHosts: [],
    ...over,
  };
}

const json = (a: ContainerAttributes) => a as unknown as Json;
const observed = (a = attrs(), status = 'running', hash = HASH): Observed => ({ address, type: 'docker_container', id: 'c0ffee', attributes: json(a), hash, status });
const prior: StateRecord = { address, type: 'docker_container', id: 'c0ffee', attributes: json(attrs()), outputs: {}, dependsOn: [], sensitive: [], hash: HASH, updatedAt: '' };

function plan(over: Partial<PlanInput>) {
  return dockerContainer.plan({ address, desired: attrs() as unknown as Value, desiredHash: HASH, prior, sensitive: ['env.REDIS_PASSWORD'], ...over });
}

describe('docker_container plan', () => {
  it('creates what is not found', () => {
    expect(plan({ observed: undefined, prior: undefined })).toEqual({ action: 'create', reason: 'not found' });
  });

  it('recreates what was deleted outside omnitron', () => {
    expect(plan({ observed: undefined })).toEqual({ action: 'create', reason: 'deleted outside omnitron' });
  });

  it('leaves a running, matching container alone', () => {
    expect(plan({ observed: observed() })).toEqual({ action: 'noop', reason: 'container is running' });
  });

  it('records a matching container state had lost', () => {
    expect(plan({ observed: observed(), prior: undefined })).toEqual({ action: 'noop', reason: 'container is running', record: true });
  });

  it('waits out a container whose health check is still starting', () => {
    expect(plan({ observed: observed(attrs(), 'starting') })).toMatchObject({ action: 'noop', reason: 'container is starting' });
  });

  it('starts a stopped container again', () => {
    expect(plan({ observed: observed(attrs(), 'exited') })).toEqual({
      action: 'update',
      reason: 'container is exited',
      diffs: [{ path: 'status', before: 'exited', after: 'running' }],
    });
  });

  it('restarts an unhealthy container', () => {
    expect(plan({ observed: observed(attrs(), 'unhealthy') })).toMatchObject({ action: 'update', reason: 'container is unhealthy' });
  });

  it('replaces a dead container', () => {
    expect(plan({ observed: observed(attrs(), 'dead') })).toMatchObject({ action: 'replace', forcedBy: ['status'] });
  });

  it('replaces on an env change, naming the key and hiding the secret', () => {
    const desired = attrs({ env: { MODE: 'dev', REDIS_PASSWORD: 'rotated-secret' } }) as unknown as Value;
    const decision = plan({ desired, desiredHash: 'b'.repeat(32), observed: observed() });
    expect(decision).toMatchObject({ action: 'replace', reason: 'config changed', forcedBy: ['env.REDIS_PASSWORD'] });
    expect(decision.action === 'replace' && decision.diffs[0]).toMatchObject({ path: 'env.REDIS_PASSWORD', sensitive: true, forcesReplacement: true });
  });

  it('replaces on a port change', () => {
    const desired = attrs({ ports: [{ name: 'main', container: 6379, host: 16380, hostIp: '127.0.0.1' }] }) as unknown as Value;
    expect(plan({ desired, desiredHash: 'b'.repeat(32), observed: observed() })).toMatchObject({ action: 'replace', forcedBy: ['ports'] });
  });

  it('replaces a hand-made container with our labels and hash whose attributes drifted', () => {
    const live = observed(attrs({ image: 'omnitron-local/redis:6' }));
    expect(plan({ observed: live })).toMatchObject({ action: 'replace', reason: 'changed outside omnitron', forcedBy: ['image'] });
  });

  it('replaces when only the config hash diverged', () => {
    expect(plan({ observed: observed(attrs(), 'running', 'c'.repeat(32)) })).toMatchObject({
      action: 'replace', reason: 'config hash diverged', forcedBy: ['config-hash'],
    });
  });

  it('does not mistake order or size spelling for drift', () => {
    const ports = [
      { name: 'main', container: 6379, host: 16379, hostIp: '127.0.0.1' },
      { name: 'admin', container: 8001, host: 18001, hostIp: '127.0.0.1' },
    ];
    const desired = attrs({ ports, aliases: ['redis', 'cache'], memory: '1G' });
    const live = attrs({ ports: [...ports].reverse(), aliases: ['cache', 'redis'], memory: '1024m' });
    expect(plan({ desired: desired as unknown as Value, observed: observed(live) })).toMatchObject({ action: 'noop' });
  });

  it('replaces when a value is only known after apply', () => {
    const desired = { ...attrs(), env: { MODE: 'dev', REDIS_PASSWORD: UNKNOWN } } as unknown as Value;
    expect(plan({ desired, observed: observed() })).toMatchObject({ action: 'replace', forcedBy: ['env.REDIS_PASSWORD'] });
  });

  it('deletes a container no longer in config', () => {
    expect(plan({ desired: undefined, desiredHash: undefined, observed: observed() })).toEqual({ action: 'delete', reason: 'no longer in config' });
  });

  it('deletes an orphan: ours by label, unknown to state and config', () => {
    expect(plan({ desired: undefined, desiredHash: undefined, prior: undefined, observed: observed() })).toEqual({
      action: 'delete', reason: 'owned by this stack but not in config',
    });
  });

  it('trusts state when the container cannot be read', () => {
    expect(plan({ observed: undefined, unreadable: 'permission denied' })).toMatchObject({ action: 'noop' });
  });
});

describe('docker_container planned steps', () => {
  const steps = (action: ApplyAction, over: Partial<PlanInput>) => dockerContainer.planSteps(action, { address, desired: attrs() as unknown as Value, desiredHash: HASH, prior, sensitive: [], ...over });

  it('an update restarts the container observe found; a create touches none', () => {
    expect(plan({ observed: observed(attrs(), 'exited') })).toMatchObject({ action: 'update' });
    expect(steps('update', { observed: { ...observed(attrs(), 'exited'), id: 'feed' } })).toEqual({ existing: 'restart', id: 'feed' });
    expect(steps('create', { observed: undefined })).toEqual({ existing: 'none' });
  });

  it('a replace or delete removes the live container, else the one state remembers, else none', () => {
    expect(steps('replace', { observed: { ...observed(), id: 'feed' } })).toEqual({ existing: 'remove', id: 'feed' });
    expect(steps('replace', { observed: undefined })).toEqual({ existing: 'remove', id: 'c0ffee' });
    expect(steps('delete', { desired: undefined, observed: undefined, prior: { ...prior, id: undefined } })).toEqual({ existing: 'none' });
  });

  it('a restart with neither a live nor a recorded id goes by the configured name', () => {
    expect(steps('update', { observed: { ...observed(attrs(), 'exited'), id: undefined }, prior: undefined })).toEqual({ existing: 'restart', id: 'shop-dev-redis' });
  });
});
