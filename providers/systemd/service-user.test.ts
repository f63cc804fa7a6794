import { describe, expect, it } from 'vitest';
import type { PlanInput } from '../../planner/resource.js';
import { serviceUser } from './service-user.js';
import { answer, fakeContext, FakeNode, observeWith, stateRecord, type FakeAnswer } from '../../test/support/systemd/fakes.js';

const ADDRESS = 'service_user.cache.redis';
const want = { node: 'cache', name: 'redis', home: '/var/lib/redis' };

const plan = (fact: FakeAnswer, extra: Partial<PlanInput> = {}) => {
  const observed = observeWith(serviceUser, ADDRESS, want, () => fact);
  return serviceUser.plan({ address: ADDRESS, desired: want, sensitive: [], ...(observed ? { observed } : {}), ...extra });
};

describe('service_user plan', () => {
  it('an account that exists (a package made it, or the operator) is used as it is, whatever its home or shell', () => {
    expect(plan(answer.user('redis', 104, '/var/lib/redis', '/usr/sbin/nologin'))).toEqual({ action: 'noop', reason: 'account redis exists', record: true });
    expect(plan(answer.user('redis', 1001, '/home/redis', '/bin/bash'), { prior: stateRecord(ADDRESS, 'service_user', want) })).toEqual({ action: 'noop', reason: 'account redis exists' });
  });

  it('a missing account is created; one no longer configured is forgotten, never removed', () => {
    expect(plan(answer.missing())).toEqual({ action: 'create', reason: 'no account redis on the node: created as a system account without login' });
    expect(serviceUser.plan({ address: ADDRESS, prior: stateRecord(ADDRESS, 'service_user', want), sensitive: [] }))
      .toEqual({ action: 'delete', reason: 'no longer in config (accounts are never removed, state only forgets it)' });
  });
});

describe('service_user apply', () => {
  it('creates the account only if none exists by then, with values as arguments; delete runs nothing', async () => {
    const node = new FakeNode('node.cache', () => answer.missing());
    const ctx = fakeContext({ cache: node });
    expect((await serviceUser.apply(ctx, { action: 'create', address: ADDRESS, attributes: want }))?.outputs).toEqual({ name: 'redis' });
    await serviceUser.apply(ctx, { action: 'delete', address: ADDRESS, prior: stateRecord(ADDRESS, 'service_user', want) });
    const [command, ...rest] = node.commands();
    expect(rest).toEqual([]);
    expect(command).toMatch(/^sh -c .*getent passwd "\$name".*useradd --system --user-group --no-create-home --home-dir "\$home" --shell \/usr\/sbin\/nologin -- "\$name".* omnitron-service-user redis \/var\/lib\/redis$/s);
  });

  it('refuses an account name that is not one before reaching the node', async () => {
    const node = new FakeNode('node.cache', () => answer.missing());
    await expect(serviceUser.apply(fakeContext({ cache: node }), { action: 'create', address: ADDRESS, attributes: { ...want, name: 'a;b' } })).rejects.toThrow(/name must be a lower-case account name/);
    expect(node.commands()).toEqual([]);
  });
});
