import { describe, expect, it } from 'vitest';
import { ref, type Expr } from '../planner/expr.js';
import type { DesiredResource, ObserveRequest, StateRecord } from '../planner/resource.js';
import { observeServers, type Server, type ServerKind } from './server-observe.js';

interface Conn { host: string; port: number; secret: string }
interface Target { address: string; desired: boolean }

const kind: ServerKind<Conn, Target> = {
  label: 'kv',
  types: new Set(['kv_item']),
  parseConnection: (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.port === 'number' ? { host: String(v.host), port: v.port, secret: String(v.secret) } : undefined),
  serverKey: (c) => `${c.host}:${c.port}`,
  target: ({ address, desired }) => ({ address, desired }),
  describeError: (err, c) => String((err as Error).message).replaceAll(c.secret, '***'),
};

const on = (port: Expr) => ({ host: '127.0.0.1', port, secret: 's3cret' });
const desired = (address: string, port: Expr, type = 'kv_item'): DesiredResource => ({ address, type, attributes: {}, connection: on(port), dependsOn: [], sensitive: [] });
const remembered = (address: string, port?: number): StateRecord => ({
  address, type: 'kv_item', attributes: {}, outputs: {}, dependsOn: [], sensitive: [], hash: 'h', updatedAt: '', ...(port === undefined ? {} : { connection: on(port) }),
});
const request = (d: DesiredResource[], prior: StateRecord[] = []): ObserveRequest => ({
  scope: { project: 'p', stack: 's', root: '/r', stackDir: '/r/.omnitron/s', lineage: 'test-lineage' }, desired: d, prior, lookup: () => undefined,
});

describe('observeServers', () => {
  it('reads each server once with all its targets, desired and remembered, and keeps what it found', async () => {
    const reads: Array<Server<Conn, Target>> = [];
    const set = await observeServers(request([desired('kv_item.a', 1), desired('kv_item.b', 2), desired('kv_item.c', 1), desired('other.x', 1, 'other')], [remembered('kv_item.old', 2)]), kind, async (server) => {
      reads.push(server);
      return server.targets.map((t) => ({ address: t.address, type: 'kv_item', attributes: { port: server.connection.port } }));
    });
    expect(reads.map((s) => [s.connection.port, s.targets])).toEqual([
      [1, [{ address: 'kv_item.a', desired: true }, { address: 'kv_item.c', desired: true }]],
      [2, [{ address: 'kv_item.b', desired: true }, { address: 'kv_item.old', desired: false }]],
    ]);
    expect(Object.fromEntries([...set.objects].map(([a, o]) => [a, o.attributes]))).toEqual({ 'kv_item.a': { port: 1 }, 'kv_item.c': { port: 1 }, 'kv_item.b': { port: 2 }, 'kv_item.old': { port: 2 } });
    expect(set.unreadable.size).toBe(0);
  });

  it('makes every address on a failed server unreadable with the cause, secrets masked, and leaves the others', async () => {
    const set = await observeServers(request([desired('kv_item.a', 1), desired('kv_item.b', 2)], [remembered('kv_item.old', 1)]), kind, async (server) => {
      if (server.connection.port === 1) throw new Error('auth s3cret refused');
      return [{ address: 'kv_item.b', type: 'kv_item', attributes: {} }];
    });
    expect([...set.unreadable]).toEqual([['kv_item.a', 'could not read kv at 127.0.0.1:1: auth *** refused'], ['kv_item.old', 'could not read kv at 127.0.0.1:1: auth *** refused']]);
    expect([...set.objects.keys()]).toEqual(['kv_item.b']);
  });

  it('says why remembered addresses have no server to read, and skips new ones whose server is not known yet', async () => {
    const unknownPort = ref('docker_container.kv', 'port');
    const set = await observeServers(request([desired('kv_item.new', unknownPort), desired('kv_item.kept', unknownPort)], [remembered('kv_item.kept'), remembered('kv_item.gone')]), kind, async () => {
      throw new Error('no server should be read');
    });
    expect([...set.unreadable]).toEqual([['kv_item.kept', 'kv server not known until apply'], ['kv_item.gone', 'no connection recorded in state']]);
    expect(set.objects.size).toBe(0);
  });
});
