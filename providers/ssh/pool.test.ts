import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../planner/resource.js';
import type { AcceptedHostKey, ConnectOptions, NodeConnection, SshNode } from './connection.js';
import { NodePool } from './pool.js';

/** Stands in for a NodeConnection: the pool only uses isOpen, hostKey and close. */
function fakeConnection(name: string, hostKey: AcceptedHostKey): NodeConnection {
  const fake = { name, hostKey, isOpen: true, close: async () => { fake.isOpen = false; } };
  return fake as unknown as NodeConnection;
}

function pool(names: string[], opts: { concurrency?: number; failing?: string[] } = {}) {
  const connects: string[] = [];
  const connect = async (node: SshNode, _: ConnectOptions) => {
    connects.push(node.name);
    await new Promise((r) => setTimeout(r, 5));
    if (opts.failing?.includes(node.name)) throw new ProviderError(`node.${node.name}`, `cannot connect to node ${node.name}: connection refused`);
    return fakeConnection(node.name, { type: 'ssh-ed25519', fingerprint: `SHA256:${node.name}`, status: node.name.startsWith('new') ? 'new' : 'trusted' });
  };
  const nodes = names.map((name) => ({ name, host: `${name}.test` }));
  return { connects, pool: new NodePool(nodes, { timeoutMs: 1000, concurrency: opts.concurrency ?? 2, connect }) };
}

describe('NodePool', () => {
  it('connects once per node, lazily, even when asked concurrently', async () => {
    const { pool: p, connects } = pool(['a', 'b']);
    expect(connects).toEqual([]);
    const [x, y] = await Promise.all([p.connection('a'), p.connection('a')]);
    expect(x).toBe(y);
    expect(await p.connection('a')).toBe(x);
    expect(connects).toEqual(['a']);
  });

  it('reconnects a connection that closed, and remembers a failed connect for the run', async () => {
    const { pool: p, connects } = pool(['a', 'down'], { failing: ['down'] });
    const first = await p.connection('a');
    await first.close();
    expect(await p.connection('a')).not.toBe(first);
    await expect(p.connection('down')).rejects.toThrow('connection refused');
    await expect(p.connection('down')).rejects.toThrow('connection refused');
    expect(connects).toEqual(['a', 'a', 'down']);
  });

  it('works on at most `concurrency` nodes at once and keeps each outcome', async () => {
    const { pool: p } = pool(['a', 'b', 'c', 'd', 'down'], { concurrency: 2, failing: ['down'] });
    let active = 0;
    let peak = 0;
    const results = await p.eachNode(['a', 'b', 'c', 'd', 'down'], async (connection) => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, 10));
      active--;
      return connection.hostKey.fingerprint;
    });
    expect(peak).toBe(2);
    expect(results.get('c')).toEqual({ status: 'fulfilled', value: 'SHA256:c' });
    expect(results.get('down')).toMatchObject({ status: 'rejected', reason: { address: 'node.down' } });
  });

  it('reports host keys accepted on first use, names unknown nodes and closes everything', async () => {
    const { pool: p } = pool(['new-1', 'old']);
    const [fresh, old] = await Promise.all([p.connection('new-1'), p.connection('old')]);
    expect(await p.newHostKeys()).toEqual([{ node: 'new-1', type: 'ssh-ed25519', fingerprint: 'SHA256:new-1', status: 'new' }]);
    await expect(p.connection('ghost')).rejects.toMatchObject({ address: 'node.ghost', message: 'unknown node ghost' });
    await p.close();
    expect([fresh.isOpen, old.isOpen]).toEqual([false, false]);
    await expect(p.connection('old')).rejects.toThrow('the node pool is already closed');
  });
});
