import { describe, expect, it } from 'vitest';
import type { Json } from '../../planner/expr.js';
import { nodeUser } from './node-user.js';
import { answer, fakeContext, FakeNode, observeWith, stateRecord, type FakeAnswer } from '../../test/support/systemd/fakes.js';

const ADDRESS = 'node_user.auth';
const want = { node: 'app-1', name: 'omnitron-auth', home: '/var/lib/omnitron/auth', shell: '/usr/sbin/nologin', system: true };
const plan = (fact: FakeAnswer, desired: Json | undefined = want) => {
  const observed = observeWith(nodeUser, ADDRESS, want, () => fact);
  return nodeUser.plan({ address: ADDRESS, desired: desired ?? undefined, prior: stateRecord(ADDRESS, 'node_user', want), sensitive: [], ...(observed ? { observed } : {}) });
};

describe('node_user plan', () => {
  it('matches: no-op; missing: create', () => {
    expect(plan(answer.user('omnitron-auth', 998, '/var/lib/omnitron/auth', '/usr/sbin/nologin'))).toEqual({ action: 'noop', reason: 'matches config' });
    expect(plan(answer.missing())).toEqual({ action: 'create', reason: 'deleted outside omnitron' });
  });

  it('home or shell drift: update in place; `system` is only used at creation', () => {
    expect(plan(answer.user('omnitron-auth', 998, '/home/x', '/bin/bash'))).toEqual({
      action: 'update', reason: 'changed outside omnitron',
      diffs: [{ path: 'home', before: '/home/x', after: '/var/lib/omnitron/auth' }, { path: 'shell', before: '/bin/bash', after: '/usr/sbin/nologin' }],
    });
    expect(plan(answer.user('omnitron-auth', 1001, '/var/lib/omnitron/auth', '/usr/sbin/nologin')).action).toBe('noop');
  });

  it('a new name replaces the account', () => {
    expect(plan(answer.user('omnitron-auth', 998, '/var/lib/omnitron/auth', '/usr/sbin/nologin'), { ...want, name: 'auth' })).toMatchObject({ action: 'replace', forcedBy: ['name'] });
  });
});

describe('node_user apply', () => {
  it('useradd on create, usermod on update, userdel (keeping the home) on delete', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing());
    const ctx = fakeContext({ 'app-1': node });
    const attributes = want as unknown as Json;
    expect((await nodeUser.apply(ctx, { action: 'create', address: ADDRESS, attributes }))?.outputs).toEqual({ name: 'omnitron-auth', home: '/var/lib/omnitron/auth' });
    await nodeUser.apply(ctx, { action: 'update', address: ADDRESS, attributes });
    await nodeUser.apply(ctx, { action: 'delete', address: ADDRESS, prior: stateRecord(ADDRESS, 'node_user', want) });
    expect(node.commands()).toEqual([
      'useradd --system --user-group --home-dir /var/lib/omnitron/auth --no-create-home --shell /usr/sbin/nologin -- omnitron-auth',
      'usermod --home /var/lib/omnitron/auth --shell /usr/sbin/nologin -- omnitron-auth',
      'userdel -- omnitron-auth',
    ]);
  });

  it('refuses a name that is not an account name', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing());
    await expect(nodeUser.apply(fakeContext({ 'app-1': node }), { action: 'create', address: ADDRESS, attributes: { ...want, name: 'a;b' } })).rejects.toThrow(/^invalid attributes: name must be a lower-case account name/);
    expect(node.calls).toEqual([]);
  });
});
