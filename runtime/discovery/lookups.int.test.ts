/**
 * Real Redis: the reads and updates titan-discovery's DiscoveryService offers beside the active-node
 * scan, on the unusual hashes its readers meet, with the same answers as the real reader (read from
 * packages/titan-discovery/src/discovery.service.ts): getNodeInfo, findNodes, getAllNodes, nodeExists,
 * findNodesByService(name, ''), extra service fields and numeric versions, updateNodeAddress/Services.
 */
import { describe, expect, it } from 'vitest';
import type { DiscoveryEvent } from './events.js';
import { rawRegistry, type LogEntry, useRedisBed } from '../../test/support/discovery/discovery-bed.js';
import { waitFor } from '../../test/support/discovery/redis-servers.js';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

const redis = useRedisBed();

const registry = () => rawRegistry(redis.bed);

const GOOD = { address: '10.0.0.7:3000', services: '[{"name":"users","version":"1.0.0"}]', timestamp: '1700000000000' };

describe('getNodeInfo', () => {
  it('reads the hash without a heartbeat; services fall back to [], a missing timestamp to 0', async () => {
    const { p, raw, k, put } = registry();
    await put('expired', GOOD, false);
    await put('bare', { address: '10.0.0.8:3000' }, true);
    await put('bad-json', { ...GOOD, services: '[{"name":' }, true);
    const d = redis.bed.client({ redisPrefix: p });

    expect(await d.getNodeInfo('expired')).toEqual({ nodeId: 'expired', address: '10.0.0.7:3000', services: [{ name: 'users', version: '1.0.0' }], timestamp: 1_700_000_000_000 });
    expect(await d.getNodeInfo('bare')).toEqual({ nodeId: 'bare', address: '10.0.0.8:3000', services: [], timestamp: 0 });
    expect(await d.getNodeInfo('bad-json')).toMatchObject({ services: [], timestamp: 1_700_000_000_000 });
    expect(await d.getNodeInfo('missing')).toBeNull();
    // A lookup removes nothing, unlike the active-node scan.
    expect(await raw.smembers(k.index)).toHaveLength(3);
  });
});

describe('a node hash with an empty address or timestamp', () => {
  it('is removed by the active-node scan; lookups read an empty address as no node and an empty timestamp as 0', async () => {
    const { p, k, raw, put } = registry();
    await put('ok', GOOD, true);
    await put('no-address', { ...GOOD, address: '' }, true);
    await put('no-timestamp', { ...GOOD, timestamp: '' }, true);
    const logs: LogEntry[] = [];
    const d = redis.bed.client({ redisPrefix: p }, logs);

    expect(await d.getNodeInfo('no-address')).toBeNull();
    expect(await d.getNodeInfo('no-timestamp')).toMatchObject({ address: '10.0.0.7:3000', timestamp: 0 });
    expect((await d.findNodes()).map((n) => [n.nodeId, n.timestamp])).toEqual([['no-timestamp', 0], ['ok', 1_700_000_000_000]]);
    expect((await d.getAllNodes()).map((n) => n.nodeId)).toEqual(['no-timestamp', 'ok']);
    expect(await raw.smembers(k.index)).toHaveLength(3);

    expect((await d.getActiveNodes()).map((n) => n.nodeId)).toEqual(['ok']);
    expect(logs.filter((l) => l.msg === 'removed inactive node').map((l) => `${l.nodeId}: ${l.reason}`).sort()).toEqual([
      'no-address: node hash has an empty address', 'no-timestamp: node hash has an empty timestamp',
    ]);
    expect(await raw.smembers(k.index)).toEqual(['ok']);
    expect(await raw.exists(k.node('no-address'), k.heartbeat('no-address'), k.node('no-timestamp'), k.heartbeat('no-timestamp'))).toBe(0);
  });
});

describe('findNodesByService', () => {
  it("takes '' for any version", async () => {
    const { p, put } = registry();
    await put('a', { ...GOOD, services: '[{"name":"users","version":"1.0.0"}]' }, true);
    await put('b', { ...GOOD, services: '[{"name":"users","version":"2.0.0"}]' }, true);
    await put('c', { ...GOOD, services: '[{"name":"users"}]' }, true);
    const d = redis.bed.client({ redisPrefix: p });
    expect((await d.findNodesByService('users', '')).map((n) => n.nodeId)).toEqual(['a', 'b', 'c']);
    expect((await d.findNodesByService('users', '2.0.0')).map((n) => n.nodeId)).toEqual(['b']);
  });

  it('keeps extra service fields and numeric versions, read and written back unchanged', async () => {
    const { p, k, raw, put } = registry();
    await put('foreign', { ...GOOD, services: '[{"name":"users","version":"1.0.0","weight":3},{"name":"media","version":2}]' }, true);
    const d = redis.bed.client({ redisPrefix: p });
    const [foreign] = await d.findNodesByService('users', '1.0.0');
    expect(foreign!.services).toEqual([{ name: 'users', version: '1.0.0', weight: 3 }, { name: 'media', version: 2 }]);
    // An exact comparison, as the real one: the number 2 is not the string "2".
    expect(await d.findNodesByService('media', '2')).toEqual([]);
    expect((await d.findNodesByService('media')).map((n) => n.nodeId)).toEqual(['foreign']);

    await d.registerNode('mine', '10.0.0.9:3000', [{ name: 'users', version: '1.0.0', weight: 5 }, { name: 'media', version: 2 }]);
    expect(await raw.hget(k.node('mine'), 'services')).toBe('[{"name":"users","version":"1.0.0","weight":5},{"name":"media","version":2}]');
    expect((await d.getNodeInfo('mine'))!.services).toEqual([{ name: 'users', version: '1.0.0', weight: 5 }, { name: 'media', version: 2 }]);
  });
});

describe('findNodes, getAllNodes, nodeExists', () => {
  it('findNodes lists alive nodes with an address; getAllNodes adds the expired ones; neither removes anything', async () => {
    const { p, k, raw, put } = registry();
    await put('alive', GOOD, true);
    await put('expired', GOOD, false);
    await put('no-hash', undefined, true);
    await put('bare', { address: '10.0.0.8:3000' }, true);
    const d = redis.bed.client({ redisPrefix: p });

    expect((await d.findNodes()).map((n) => n.nodeId)).toEqual(['alive', 'bare']);
    expect((await d.getAllNodes()).map((n) => n.nodeId)).toEqual(['alive', 'bare', 'expired']);
    expect((await d.getAllNodes()).find((n) => n.nodeId === 'bare')).toEqual({ nodeId: 'bare', address: '10.0.0.8:3000', services: [], timestamp: 0 });
    expect((await raw.smembers(k.index)).sort()).toEqual(['alive', 'bare', 'expired', 'no-hash']);

    expect([await d.nodeExists('expired'), await d.nodeExists('no-hash'), await d.nodeExists('nobody')]).toEqual([true, false, false]);
    expect([await d.isNodeActive('expired'), await d.isNodeActive('no-hash')]).toEqual([false, true]);
  });
});

describe('updateNodeAddress and updateNodeServices', () => {
  it("set one field of another node's hash, keep its TTL, and announce the node as it now is", async () => {
    const { p, k, raw } = registry();
    const options = { redisPrefix: p, heartbeatInterval: 60_000, heartbeatTTL: 180_000, pubSubEnabled: true, pubSubChannel: `${p}:events` };
    const a = redis.bed.client(options);
    const admin = redis.bed.client(options);
    const watcher = redis.bed.client(options);
    const seen: DiscoveryEvent[] = [];
    watcher.onEvent((e) => seen.push(e));
    await watcher.start();
    await a.registerNode('a', '10.0.0.1:3000', [{ name: 'users', version: '1.0.0' }]);
    const ttlBefore = await raw.ttl(k.node('a'));
    const heartbeatBefore = await raw.get(k.heartbeat('a'));

    expect(await admin.updateNodeAddress('a', '10.0.0.2:3000')).toBe(true);
    expect(await admin.updateNodeServices('a', [{ name: 'billing', version: '2', weight: 1 }])).toBe(true);
    expect(await raw.hgetall(k.node('a'))).toMatchObject({ address: '10.0.0.2:3000', services: '[{"name":"billing","version":"2","weight":1}]' });
    expect(await raw.ttl(k.node('a'))).toBeGreaterThan(0);
    expect(await raw.ttl(k.node('a'))).toBeLessThanOrEqual(ttlBefore);
    expect(await raw.get(k.heartbeat('a'))).toBe(heartbeatBefore);

    await waitFor(() => seen.length === 3);
    expect(seen.slice(1).map((e) => [e.type, e.nodeId, e.address, e.services])).toEqual([
      ['NODE_UPDATED', 'a', '10.0.0.2:3000', [{ name: 'users', version: '1.0.0' }]],
      ['NODE_UPDATED', 'a', '10.0.0.2:3000', [{ name: 'billing', version: '2', weight: 1 }]],
    ]);

    // A node with no hash is left alone: no key without TTL or index entry is created.
    expect(await admin.updateNodeAddress('ghost', '10.0.0.3:3000')).toBe(false);
    expect(await raw.exists(k.node('ghost'))).toBe(0);
  });

  it("updating this node's own entry is kept by its next heartbeat", async () => {
    const { p, k, raw } = registry();
    const a = redis.bed.client({ redisPrefix: p, heartbeatInterval: 60_000, heartbeatTTL: 180_000 });
    await a.registerNode('a', '10.0.0.1:3000', [{ name: 'users' }]);
    await a.updateNodeAddress('a', '10.0.0.5:3000');
    await a.updateNodeServices('a', [{ name: 'auth' }]);
    await a.registerService({ name: 'media' }); // an immediate heartbeat
    expect(await raw.hgetall(k.node('a'))).toMatchObject({ address: '10.0.0.5:3000', services: '[{"name":"auth"},{"name":"media"}]' });
  });
});
