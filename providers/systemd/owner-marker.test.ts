import { describe, expect, it } from 'vitest';
import { FakeNode, answer, fakeContext } from '../../test/support/systemd/fakes.js';
import { systemdProvider } from './index.js';
import { markerContent, markerPath, ownerFromMarker, OWNERS_DIR } from './owner-marker.js';
import type { ObserveRequest } from '../../planner/resource.js';
import type { ProbeRequest } from './probe.js';

const scope = { project: 'shop', stack: 'prod', lineage: 'test-lineage' };
const user = { kind: 'user', id: 'omnitron', exclusive: true };
const packageFile = { kind: 'file', id: '/etc/redis/redis.conf', exclusive: false };
const userAttrs = { node: 'app-1', name: 'omnitron', home: '/var/lib/omnitron', shell: '/usr/sbin/nologin', system: true };
const userType = systemdProvider.types.find((t) => t.type === 'node_user')!;

describe('node ownership markers', () => {
  it('live in one root-only directory, named by a hash of the identity', () => {
    expect(markerPath(user)).toMatch(new RegExp(`^${OWNERS_DIR}/user-[0-9a-f]{32}$`));
    expect(markerPath(user)).not.toBe(markerPath({ kind: 'unit', id: 'omnitron' }));
  });

  it('name this state, another state, or nobody', () => {
    expect(ownerFromMarker({ state: 'present', content: markerContent(scope, 'node_user.a.omnitron', user) }, user, scope)).toEqual({ kind: 'this' });
    expect(ownerFromMarker({ state: 'present', content: markerContent({ ...scope, stack: 'dev' }, 'node_user.a.omnitron', user) }, user, scope))
      .toEqual({ kind: 'other', who: 'omnitron project "shop", stack "dev", state lineage test-lineage' });
    expect(ownerFromMarker({ state: 'missing' }, user, scope)).toEqual({ kind: 'none' });
    expect(ownerFromMarker({ state: 'present', content: 'garbage' }, user, scope)).toEqual({ kind: 'none' });
  });

  it('say nothing of a package\'s file found without one: omnitron takes it over', () => {
    expect(ownerFromMarker({ state: 'missing' }, packageFile, scope)).toBeUndefined();
    expect(ownerFromMarker({ state: 'present', content: markerContent({ ...scope, lineage: 'L2' }, 'node_file.a.redis_conf', packageFile) }, packageFile, scope)?.kind).toBe('other');
  });

  it('observe reports who made a claimed object from its marker', async () => {
    const facts = (r: ProbeRequest) => r.kind === 'user' ? answer.user('omnitron', 998, '/var/lib/omnitron', '/usr/sbin/nologin') : answer.missing();
    const request: ObserveRequest = { scope: { ...scope, root: '/w', stackDir: '/w/.omnitron/prod' }, desired: [{ address: 'node_user.app-1.omnitron', type: 'node_user', attributes: userAttrs, dependsOn: [], sensitive: [] }], prior: [], lookup: () => undefined };
    const set = await systemdProvider.observe(fakeContext({ 'app-1': new FakeNode('node.app-1', facts) }), request);
    expect(set.objects.get('node_user.app-1.omnitron')?.owner).toEqual({ kind: 'none' });
  });

  it('takes over the preset packages\' config files, but no other file it did not write', async () => {
    const facts = (r: ProbeRequest) => r.kind === 'file' ? answer.file('x\n') : answer.missing();
    const file = (name: string, path: string) => ({ address: `node_file.app-1.${name}`, type: 'node_file', attributes: { node: 'app-1', path, content: 'y\n', owner: 'root', group: 'root', mode: '0644' }, dependsOn: [], sensitive: [] });
    const request: ObserveRequest = { scope: { ...scope, root: '/w', stackDir: '/w/.omnitron/prod' }, desired: [file('redis_conf', '/etc/redis/redis.conf'), file('hba', '/etc/postgresql/15/main/pg_hba.conf'), file('search_config', '/etc/passwd')], prior: [], lookup: () => undefined };
    const set = await systemdProvider.observe(fakeContext({ 'app-1': new FakeNode('node.app-1', facts) }), request);
    expect(set.objects.get('node_file.app-1.redis_conf')?.owner).toBeUndefined();
    expect(set.objects.get('node_file.app-1.hba')?.owner).toBeUndefined();
    expect(set.objects.get('node_file.app-1.search_config')?.owner).toEqual({ kind: 'none' });
  });

  it('a claimed create writes the marker before the object, and a delete removes it after', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing());
    const ctx = fakeContext({ 'app-1': node });
    await userType.apply(ctx, { action: 'create', address: 'node_user.app-1.omnitron', attributes: userAttrs });
    await userType.apply(ctx, { action: 'delete', address: 'node_user.app-1.omnitron', prior: { address: 'node_user.app-1.omnitron', type: 'node_user', attributes: userAttrs, outputs: {}, dependsOn: [], sensitive: [], hash: '', updatedAt: '' } });
    const commands = node.calls.flatMap((c) => (c.kind === 'exec' ? [c.argv] : []));
    expect(commands.map((argv) => argv[0] === 'sh' ? argv[3] : argv[0])).toEqual(['omnitron-owner', 'useradd', 'userdel', 'rm']);
    expect(commands[0].slice(4)).toEqual([OWNERS_DIR, markerPath(user), markerContent(scope, 'node_user.app-1.omnitron', user)]);
    expect(commands[3]).toEqual(['rm', '-f', '--', markerPath(user)]);
  });
});
