import { markerPath } from './owner-marker.js';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../planner/expr.js';
import { ref } from '../../planner/expr.js';
import type { DesiredResource, ObserveRequest, StateRecord } from '../../planner/resource.js';
import { systemdProvider } from './index.js';
import { answer, fakeContext, FakeNode, sha256hex, stateRecord, type FactTable } from '../../test/support/systemd/fakes.js';
import type { ProbeRequest } from './probe.js';

const UNIT = '[Service]\nExecStart=/bin/sleep infinity\n';

function desired(address: string, type: string, attributes: Json, sensitive: string[] = []): DesiredResource {
  return { address, type, attributes, dependsOn: [], sensitive };
}

function stack(node: string): DesiredResource[] {
  return [
    desired(`node_user.${node}`, 'node_user', { node, name: 'auth', home: '/var/lib/auth', shell: '/usr/sbin/nologin', system: true }),
    desired(`node_file.${node}`, 'node_file', { node, path: '/etc/omnitron/auth.env', content: 'A=1\n', owner: 'auth', group: 'auth', mode: '0600' }, ['content']),
    desired(`systemd_unit.${node}`, 'systemd_unit', { node, name: 'auth.service', content: UNIT }),
    desired(`systemd_daemon_reload.${node}`, 'systemd_daemon_reload', { node, units: { 'auth.service': sha256hex(UNIT) } }),
    desired(`systemd_service.${node}`, 'systemd_service', { node, name: 'auth.service', enabled: true, active: true, inputs: 'in-1' }),
  ];
}

const healthy: FactTable = (r) => {
  switch (r.kind) {
    case 'user': return answer.user('auth', 998, '/var/lib/auth', '/usr/sbin/nologin');
    case 'file': return r.path.endsWith('.env') ? answer.file('A=1\n', { mode: '600', owner: 'auth', group: 'auth', withContent: r.content }) : answer.file(UNIT);
    case 'unit': return answer.unit({}, 'unit-sha');
    case 'marker': return answer.marker('in-1', 'unit-sha');
    default: return answer.missing();
  }
};

const request = (resources: DesiredResource[], prior: StateRecord[] = []): ObserveRequest => ({
  scope: { project: 'shop', stack: 'prod', root: '/w', stackDir: '/w/.omnitron/prod', lineage: 'test-lineage' }, desired: resources, prior, lookup: () => undefined,
});

describe('observe', () => {
  it('one probe exec per node, shared requests asked once, every resource observed', async () => {
    const asked: ProbeRequest[] = [];
    const node = new FakeNode('node.app-1', (r) => { asked.push(r); return healthy(r); });
    const set = await systemdProvider.observe(fakeContext({ 'app-1': node }), request(stack('app-1')));
    expect(node.calls).toHaveLength(1);
    expect(node.probes).toBe(1);
    expect(asked).toEqual([
      { kind: 'user', name: 'auth' },
      { kind: 'marker', path: markerPath({ kind: 'user', id: 'auth' }) },
      { kind: 'file', path: '/etc/omnitron/auth.env', content: false },
      { kind: 'marker', path: markerPath({ kind: 'file', id: '/etc/omnitron/auth.env' }) },
      { kind: 'file', path: '/etc/systemd/system/auth.service', content: true },
      { kind: 'marker', path: markerPath({ kind: 'unit', id: 'auth.service' }) },
      { kind: 'unit', name: 'auth.service' },
      { kind: 'marker', path: '/var/lib/omnitron/inputs/auth.service' },
    ]);
    expect([...set.objects.keys()]).toEqual(stack('app-1').map((d) => d.address));
    expect(set.unreadable.size).toBe(0);
    expect(JSON.stringify([...set.objects.values()])).not.toContain('A=1');
  });

  it('an unreachable node makes its addresses unreadable with the cause; other nodes are observed', async () => {
    const up = new FakeNode('node.app-1', healthy);
    const ctx = fakeContext({ 'app-1': up, 'app-2': 'cannot connect to node app-2 (root@10.0.0.2:22): connection refused' });
    const set = await systemdProvider.observe(ctx, request([...stack('app-1'), ...stack('app-2')]));
    expect(set.objects.size).toBe(5);
    expect([...set.unreadable]).toEqual(stack('app-2').map((d) => [d.address, 'cannot connect to node app-2 (root@10.0.0.2:22): connection refused']));
  });

  it('a probe that fails as a whole, or one request that fails, says so per address', async () => {
    const broken = new FakeNode('node.app-1', healthy);
    broken.exec = async () => ({ code: 2, stdout: '', stderr: 'sh: 1: base64: not found' });
    const set = await systemdProvider.observe(fakeContext({ 'app-1': broken }), request(stack('app-1')));
    expect(set.unreadable.get('node_user.app-1')).toBe('cannot observe node app-1: the probe exited with 2: sh: 1: base64: not found');
    const partial = new FakeNode('node.app-1', (r) => (r.kind === 'user' ? answer.error('getent passwd exited with 1') : healthy(r)));
    const some = await systemdProvider.observe(fakeContext({ 'app-1': partial }), request(stack('app-1')));
    expect([...some.unreadable]).toEqual([['node_user.app-1', 'node app-1: getent passwd exited with 1']]);
    expect(some.objects.size).toBe(4);
  });

  it('resources only state remembers are observed as state recorded them, secrets unread', async () => {
    const asked: ProbeRequest[] = [];
    const node = new FakeNode('node.app-1', (r) => { asked.push(r); return healthy(r); });
    const old = stateRecord('node_file.old', 'node_file', { node: 'app-1', path: '/etc/omnitron/old.env', content: 'S=1', owner: 'auth', group: 'auth', mode: '0600' }, { sensitive: ['attributes.content'] });
    const set = await systemdProvider.observe(fakeContext({ 'app-1': node }), request([], [old]));
    expect(asked).toEqual([{ kind: 'file', path: '/etc/omnitron/old.env', content: false }, { kind: 'marker', path: markerPath({ kind: 'file', id: '/etc/omnitron/old.env' }) }]);
    expect(set.objects.get('node_file.old')?.attributes).toMatchObject({ path: '/etc/omnitron/old.env', sha256: sha256hex('A=1\n') });
  });

  it('skips a resource whose node is not known yet, and nodes with nothing to ask', async () => {
    const node = new FakeNode('node.app-1', healthy);
    const pending = desired('node_user.x', 'node_user', { node: ref('some.thing', 'node'), name: 'x', home: '/x', shell: '/bin/sh', system: true } as unknown as Json);
    const set = await systemdProvider.observe(fakeContext({ 'app-1': node }), request([pending, desired('systemd_daemon_reload.app-1', 'systemd_daemon_reload', { node: 'app-1', units: {} })]));
    expect(node.calls).toEqual([]);
    expect(set.objects.get('systemd_daemon_reload.app-1')?.attributes).toEqual({ node: 'app-1', units: {} });
  });
});
