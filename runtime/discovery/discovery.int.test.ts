/**
 * Real Redis (local image): the key layout and event bytes, reading nodes written the way titan-discovery
 * writes them, events in order, the event-fed cache, and client mode never writing.
 */
import { describe, expect, it } from 'vitest';
import { discoveryKeys } from './keys.js';
import { REAP_SCRIPT, runScript } from './scripts.js';
import type { DiscoveryEvent } from './events.js';
import { clientAddress, monitor, rawRegistry, type LogEntry, useRedisBed } from '../../test/support/discovery/discovery-bed.js';
import { waitFor } from '../../test/support/discovery/redis-servers.js';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

const redis = useRedisBed();

const T0 = 1_700_000_000_123;

describe('key layout', () => {
  it('writes the three keys byte for byte and publishes NODE_REGISTERED as titan-discovery does', async () => {
    const p = redis.bed.prefix();
    const id = `node-${redis.bed.suffix}`;
    const channel = `${p}:events`;
    const raw = redis.bed.connect();
    const messages: string[] = [];
    const sub = redis.bed.connect();
    sub.on('message', (_c: string, m: string) => { messages.push(m); });
    await sub.subscribe(channel);
    const d = redis.bed.client({ redisPrefix: p, heartbeatInterval: 1000, heartbeatTTL: 2500, pubSubEnabled: true, pubSubChannel: channel }, [], redis.bed.connect(), () => T0);
    await d.registerNode(id, '10.0.0.5:3000', [{ name: 'Foo', version: '1.0.0' }, { name: 'bar' }]);

    expect((await raw.keys(`${p}:*`)).sort()).toEqual([`${p}:heartbeat:${id}`, `${p}:index:nodes`, `${p}:nodes:${id}`]);
    expect([await raw.type(`${p}:nodes:${id}`), await raw.type(`${p}:heartbeat:${id}`), await raw.type(`${p}:index:nodes`)]).toEqual(['hash', 'string', 'set']);
    const hash = await raw.hgetallBuffer(`${p}:nodes:${id}`);
    expect(Object.keys(hash).sort()).toEqual(['address', 'services', 'timestamp']);
    expect(hash.address).toEqual(Buffer.from('10.0.0.5:3000'));
    expect(hash.services).toEqual(Buffer.from('[{"name":"Foo","version":"1.0.0"},{"name":"bar"}]'));
    expect(hash.timestamp).toEqual(Buffer.from(String(T0)));
    expect(await raw.ttl(`${p}:nodes:${id}`)).toBe(3);
    expect(await raw.get(`${p}:heartbeat:${id}`)).toBe(String(T0));
    const pttl = await raw.pttl(`${p}:heartbeat:${id}`);
    expect(pttl).toBeGreaterThan(2000);
    expect(pttl).toBeLessThanOrEqual(2500);
    expect(await raw.smembers(`${p}:index:nodes`)).toEqual([id]);

    await waitFor(() => messages.length === 1);
    expect(messages[0]).toBe(`{"type":"NODE_REGISTERED","nodeId":"${id}","address":"10.0.0.5:3000","services":[{"name":"Foo","version":"1.0.0"},{"name":"bar"}],"timestamp":${T0}}`);
  });

  it('sends one EVALSHA per heartbeat and nothing else', async () => {
    const p = redis.bed.prefix();
    const connection = redis.bed.connect();
    const d = redis.bed.client({ redisPrefix: p, heartbeatInterval: 60_000, heartbeatTTL: 180_000, pubSubEnabled: true, pubSubChannel: `${p}:events` }, [], connection);
    await d.registerNode(`n-${redis.bed.suffix}`, '10.0.0.5:3000');
    const address = await clientAddress(connection);
    const watch = await monitor(redis.bed);
    for (let i = 0; i < 5; i++) await d.updateServices([{ name: 'svc', version: String(i) }]);
    const seen = await watch.stop();
    const mine = seen.filter((s) => s.source === address).map((s) => s.args[0]!.toLowerCase());
    expect(mine).toEqual(['evalsha', 'evalsha', 'evalsha', 'evalsha', 'evalsha']);
    const inside = seen.filter((s) => s.source === 'lua').map((s) => s.args[0]!.toLowerCase());
    expect(inside.slice(0, 6)).toEqual(['exists', 'hset', 'expire', 'set', 'sadd', 'publish']);
  });
});

describe('reading the registry like titan-discovery readers', () => {
  it('reads nodes real clients wrote, and removes dead or malformed ones', async () => {
    const { p, k, raw, put } = rawRegistry(redis.bed);
    const good = { address: '10.0.0.7:3000', services: '[{"name":"users","version":"1.0.0"}]', timestamp: '1700000000000' };
    await put('titan-ok', good, true);
    await put('expired', good, false);
    await put('no-timestamp', { address: good.address, services: good.services }, true);
    await put('bad-json', { ...good, services: '[{"name":' }, true);
    await put('no-hash', undefined, true);
    const logs: LogEntry[] = [];
    const d = redis.bed.client({ redisPrefix: p }, logs);

    const node = { nodeId: 'titan-ok', address: '10.0.0.7:3000', services: [{ name: 'users', version: '1.0.0' }], timestamp: 1_700_000_000_000 };
    expect(await d.getActiveNodes()).toEqual([node]);
    expect(await d.findNodesByService('users', '1.0.0')).toEqual([node]);
    expect(await d.findNodesByService('users')).toEqual([node]);
    expect(await d.findNodesByService('users', '1.0')).toEqual([]);
    expect(logs.filter((l) => l.msg === 'removed inactive node').map((l) => `${l.nodeId}: ${l.reason}`).sort()).toEqual([
      'bad-json: services is not valid JSON', 'expired: heartbeat expired', 'no-hash: node hash missing', 'no-timestamp: node hash lacks timestamp',
    ]);
    expect((await raw.keys(`${p}:*`)).sort()).toEqual([k.heartbeat('titan-ok'), k.index, k.node('titan-ok')]);
    expect(await raw.smembers(k.index)).toEqual(['titan-ok']);
    expect([await d.isNodeActive('titan-ok'), await d.isNodeActive('expired')]).toEqual([true, false]);
    expect([await d.getNodeInfo('titan-ok'), await d.getNodeInfo('expired')]).toEqual([node, null]);
  });

  it('announces services given before registerNode with the first heartbeat', async () => {
    const p = redis.bed.prefix();
    const d = redis.bed.client({ redisPrefix: p });
    await d.registerService({ name: 'users', version: '1.0.0' });
    await d.updateAddress('ignored:1');
    await d.registerNode('early', '10.0.0.8:3000');
    expect(await d.getNodeInfo('early')).toMatchObject({ address: '10.0.0.8:3000', services: [{ name: 'users', version: '1.0.0' }] });
  });

  it('reap.lua keeps a node that heartbeated after the reader looked', async () => {
    const p = redis.bed.prefix();
    const k = discoveryKeys(p);
    const raw = redis.bed.connect();
    await raw.hset(k.node('n'), { address: 'h:1', services: '[]', timestamp: '1' });
    await raw.set(k.heartbeat('n'), '1', 'PX', 60_000);
    await raw.sadd(k.index, 'n');
    expect(await runScript(raw, REAP_SCRIPT, [k.node('n'), k.heartbeat('n'), k.index], ['n'])).toBe(0);
    expect(await raw.exists(k.node('n'), k.heartbeat('n'))).toBe(2);
    await raw.del(k.heartbeat('n'));
    expect(await runScript(raw, REAP_SCRIPT, [k.node('n'), k.heartbeat('n'), k.index], ['n'])).toBe(1);
    expect(await raw.keys(`${p}:*`)).toEqual([]);
  });
});

describe('events and the cache', () => {
  it('delivers each change to peers in order, and a node never receives its own events', async () => {
    const p = redis.bed.prefix();
    const options = { redisPrefix: p, heartbeatInterval: 30_000, heartbeatTTL: 90_000, pubSubEnabled: true, pubSubChannel: `${p}:events` };
    const a = redis.bed.client(options);
    const b = redis.bed.client(options);
    const seenByA: DiscoveryEvent[] = [];
    const seenByB: DiscoveryEvent[] = [];
    a.onEvent((e) => seenByA.push(e));
    b.onEvent((e) => seenByB.push(e));
    await Promise.all([a.start(), b.start()]);

    await a.registerNode('a', '10.0.0.1:3000', [{ name: 'users', version: '1.0.0' }]);
    await a.registerService({ name: 'auth' });
    await a.updateAddress('10.0.0.2:3000');
    await a.unregisterService('users');
    await a.updateServices([{ name: 'billing', version: '2' }]);
    await a.stop();
    await waitFor(() => seenByB.length === 6);
    expect(seenByB.map((e) => [e.type, e.nodeId, e.address, e.services.map((s) => s.name).join(',')])).toEqual([
      ['NODE_REGISTERED', 'a', '10.0.0.1:3000', 'users'],
      ['NODE_UPDATED', 'a', '10.0.0.1:3000', 'users,auth'],
      ['NODE_UPDATED', 'a', '10.0.0.2:3000', 'users,auth'],
      ['NODE_UPDATED', 'a', '10.0.0.2:3000', 'auth'],
      ['NODE_UPDATED', 'a', '10.0.0.2:3000', 'billing'],
      ['NODE_DEREGISTERED', 'a', '10.0.0.2:3000', 'billing'],
    ]);
    expect(seenByB.map((e) => e.timestamp)).toEqual([...seenByB.map((e) => e.timestamp)].sort((x, y) => x - y));
    expect(seenByA).toEqual([]);
  });

  it('serves lookups from the cache, kept current by events', async () => {
    const p = redis.bed.prefix();
    const k = discoveryKeys(p);
    const raw = redis.bed.connect();
    const options = { redisPrefix: p, heartbeatInterval: 30_000, heartbeatTTL: 90_000, pubSubEnabled: true, pubSubChannel: `${p}:events` };
    const a = redis.bed.client(options);
    const b = redis.bed.client({ ...options, cache: true, cacheMaxAge: 60_000 });
    await b.start();
    await a.registerNode('a', '10.0.0.1:3000', [{ name: 'users', version: '1.0.0' }]);
    expect((await b.findNodesByService('users')).map((n) => n.nodeId)).toEqual(['a']);
    // Keys gone behind the cache's back: it still answers from memory, without reading Redis.
    await raw.del(k.node('a'), k.heartbeat('a'));
    await raw.srem(k.index, 'a');
    expect((await b.findNodesByService('users')).map((n) => n.nodeId)).toEqual(['a']);
    await a.updateServices([{ name: 'billing' }]);
    await waitFor(async () => (await b.findNodesByService('billing')).length === 1);
    expect(await b.findNodesByService('users')).toEqual([]);
    await a.deregisterNode();
    await waitFor(async () => (await b.getActiveNodes()).length === 0);
  });
});

describe('client mode', () => {
  it('never writes: MONITOR sees only reads and the keyspace is unchanged, yet lookups and events work', async () => {
    const p = redis.bed.prefix();
    const k = discoveryKeys(p);
    const raw = redis.bed.connect();
    await raw.hset(k.node('stale'), { address: 'h:1', services: '[]', timestamp: '1' });
    await raw.sadd(k.index, 'stale');
    const peer = redis.bed.client({ redisPrefix: p, pubSubEnabled: true, pubSubChannel: `${p}:events` });
    await peer.registerNode('peer', '10.0.0.3:3000', [{ name: 'users' }]);
    const snapshot = async () => Promise.all((await raw.keys(`${p}:*`)).sort().map(async (key) => [key, (await raw.dumpBuffer(key))?.toString('hex')]));
    const before = await snapshot();

    const connection = redis.bed.connect();
    const address = await clientAddress(connection);
    const watch = await monitor(redis.bed);
    const c = redis.bed.client({ redisPrefix: p, clientMode: true, pubSubEnabled: true, pubSubChannel: `${p}:events` }, [], connection);
    await c.start();
    await c.registerNode('client', '10.0.0.4:3000', [{ name: 'users' }]);
    await c.registerService({ name: 'auth' });
    await c.updateServices([{ name: 'x' }]);
    await c.updateAddress('10.0.0.5:3000');
    expect((await c.getActiveNodes()).map((n) => n.nodeId)).toEqual(['peer']);
    expect((await c.findNodesByService('users')).map((n) => n.nodeId)).toEqual(['peer']);
    expect(await c.isNodeActive('client')).toBe(false);
    expect(await c.getNodeInfo('client')).toBeNull();
    await c.deregisterNode('peer');
    await c.stop();
    const seen = await watch.stop();

    expect(await snapshot()).toEqual(before);
    const commands = [...new Set(seen.filter((s) => s.source === address).map((s) => s.args[0]!.toLowerCase()))].sort();
    expect(commands).toEqual(['exists', 'hgetall', 'pttl', 'smembers']);
    expect(seen.filter((s) => s.source === 'lua')).toEqual([]);

    const c2 = redis.bed.client({ redisPrefix: p, clientMode: true, pubSubEnabled: true, pubSubChannel: `${p}:events` });
    const events2: DiscoveryEvent[] = [];
    c2.onEvent((e) => events2.push(e));
    await c2.start();
    await peer.updateAddress('10.0.0.9:3000');
    await waitFor(() => events2.length === 1);
    expect(events2[0]).toMatchObject({ type: 'NODE_UPDATED', nodeId: 'peer', address: '10.0.0.9:3000' });
  });
});
