import { describe, expect, it } from 'vitest';
import { NodeCache, type NodeRead } from './cache.js';
import type { DiscoveryEvent } from './events.js';

const node = (nodeId: string, services = [{ name: 'users' }]) => ({ nodeId, address: `${nodeId}:1`, services, timestamp: 1 });
const event = (type: DiscoveryEvent['type'], nodeId: string): DiscoveryEvent => ({ type, ...node(nodeId, [{ name: 'auth' }]) });

function setup(reads: NodeRead[][]) {
  let now = 1000;
  let loads = 0;
  const cache = new NodeCache({ maxAge: 10_000, eventTtl: 3000, now: () => now });
  const read = async () => reads[Math.min(loads++, reads.length - 1)]!;
  return { cache, read, loads: () => loads, advance: (ms: number) => { now += ms; } };
}

describe('NodeCache', () => {
  it('loads once and serves from memory until maxAge', async () => {
    const t = setup([[{ node: node('a'), ttlMs: 60_000 }]]);
    expect(await t.cache.nodes(t.read)).toEqual([node('a')]);
    t.advance(9_999);
    await t.cache.nodes(t.read);
    expect(t.loads()).toBe(1);
    t.advance(1);
    await t.cache.nodes(t.read);
    expect(t.loads()).toBe(2);
  });

  it('applies registered, updated and deregistered events without reading', async () => {
    const t = setup([[{ node: node('a'), ttlMs: 60_000 }]]);
    await t.cache.nodes(t.read);
    t.cache.apply(event('NODE_REGISTERED', 'b'));
    t.cache.apply(event('NODE_UPDATED', 'a'));
    expect((await t.cache.nodes(t.read)).map((n) => [n.nodeId, n.services[0]!.name])).toEqual([['a', 'auth'], ['b', 'auth']]);
    t.cache.apply(event('NODE_DEREGISTERED', 'a'));
    expect((await t.cache.nodes(t.read)).map((n) => n.nodeId)).toEqual(['b']);
    expect(t.loads()).toBe(1);
  });

  it('reloads once an entry may have expired (a crashed node sends no event)', async () => {
    const t = setup([[{ node: node('a'), ttlMs: 2000 }], []]);
    await t.cache.nodes(t.read);
    t.advance(1999);
    expect(t.cache.fresh()).toBe(true);
    t.advance(1);
    expect(await t.cache.nodes(t.read)).toEqual([]);
    expect(t.loads()).toBe(2);
  });

  it('an event extends an entry by eventTtl, never shortens it', async () => {
    const t = setup([[{ node: node('a'), ttlMs: 5000 }]]);
    await t.cache.nodes(t.read);
    t.cache.apply(event('NODE_UPDATED', 'a'));
    t.advance(4000);
    t.cache.apply(event('NODE_UPDATED', 'a'));
    t.advance(2999);
    expect(t.cache.fresh()).toBe(true);
    t.advance(1);
    expect(t.cache.fresh()).toBe(false);
  });

  it('reloads after invalidate (the subscriber reconnected) and ignores events before the first load', async () => {
    const t = setup([[{ node: node('a'), ttlMs: 60_000 }]]);
    t.cache.apply(event('NODE_REGISTERED', 'z'));
    expect((await t.cache.nodes(t.read)).map((n) => n.nodeId)).toEqual(['a']);
    t.cache.invalidate();
    await t.cache.nodes(t.read);
    expect(t.loads()).toBe(2);
  });

  it('applies events that arrive during a load on top of it, and shares one load between callers', async () => {
    const { promise, resolve } = Promise.withResolvers<NodeRead[]>();
    const cache = new NodeCache({ maxAge: 10_000, eventTtl: 3000 });
    let loads = 0;
    const read = () => { loads++; return promise; };
    const first = cache.nodes(read);
    const second = cache.nodes(read);
    cache.apply(event('NODE_DEREGISTERED', 'a'));
    cache.apply(event('NODE_REGISTERED', 'b'));
    resolve([{ node: node('a'), ttlMs: 60_000 }]);
    expect((await first).map((n) => n.nodeId)).toEqual(['b']);
    expect((await second).map((n) => n.nodeId)).toEqual(['b']);
    expect(loads).toBe(1);
  });
});
