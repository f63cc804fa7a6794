/**
 * A Redis Cluster of three masters (one container, loopback ports): with a {hashtag} prefix every key
 * lands in one slot, so the scripts run; registration, events and lookups work through ioredis Cluster.
 * Without the hashtag the same script fails with CROSSSLOT, and the client refuses such a prefix.
 */
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DiscoveryOptionsError } from './option-issues.js';
import type { DiscoveryEvent } from './events.js';
import { discoveryKeys, nodeScriptKeys } from './keys.js';
import { DiscoveryClient } from './registry.js';
import { HEARTBEAT_SCRIPT, runScript } from './scripts.js';
import { startRedisCluster, waitFor, type TestCluster } from '../../test/support/discovery/redis-servers.js';
import { TestBed, type LogEntry } from '../../test/support/discovery/discovery-bed.js';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

let cluster: TestCluster;
let bed: TestBed;

beforeAll(async () => {
  cluster = await startRedisCluster();
  bed = new TestBed('127.0.0.1', cluster.nodes[0]!.port);
});

afterAll(async () => {
  await bed?.close();
  await cluster?.container.stop();
});

function connectCluster(): Cluster {
  const c = new Cluster(cluster.nodes, { clusterRetryStrategy: () => 100 });
  c.on('error', () => {});
  bed.track(c);
  return c;
}

it('registers, publishes and finds nodes on a three-node cluster with a {hashtag} prefix', async () => {
  const p = `{it-${bed.suffix}}:discovery`;
  const k = discoveryKeys(p);
  const options = { redisPrefix: p, pubSubEnabled: true, pubSubChannel: `${p}:events`, heartbeatInterval: 30_000, heartbeatTTL: 90_000 };
  const logs: LogEntry[] = [];
  const a = bed.client(options, logs, connectCluster());
  const b = bed.client({ ...options, cache: true }, logs, connectCluster());
  const seen: DiscoveryEvent[] = [];
  b.onEvent((e) => seen.push(e));
  await b.start();

  await a.registerNode('a', '10.0.0.1:3000', [{ name: 'users', version: '1.0.0' }]);
  await b.registerNode('b', '10.0.0.2:3000', [{ name: 'auth' }]);
  await a.registerService({ name: 'billing' });
  await waitFor(() => seen.length === 2);
  expect(seen.map((e) => [e.type, e.nodeId])).toEqual([['NODE_REGISTERED', 'a'], ['NODE_UPDATED', 'a']]);
  expect((await b.getActiveNodes()).map((n) => n.nodeId)).toEqual(['a', 'b']);
  expect((await b.findNodesByService('billing')).map((n) => n.nodeId)).toEqual(['a']);
  expect(await b.getNodeInfo('a')).toMatchObject({ address: '10.0.0.1:3000', services: [{ name: 'users', version: '1.0.0' }, { name: 'billing' }] });

  const raw = connectCluster();
  const slots = await Promise.all([...nodeScriptKeys(k, 'a'), k.node('b')].map((key) => raw.cluster('KEYSLOT', key)));
  expect(new Set(slots).size).toBe(1);
  expect(await raw.hgetall(k.node('a'))).toEqual({ address: '10.0.0.1:3000', services: '[{"name":"users","version":"1.0.0"},{"name":"billing"}]', timestamp: expect.stringMatching(/^\d+$/) });
  const masters = await raw.cluster('SHARDS');
  expect((masters as unknown[]).length).toBe(3);

  await a.stop();
  await waitFor(() => seen.length === 3);
  expect(seen[2]).toMatchObject({ type: 'NODE_DEREGISTERED', nodeId: 'a' });
  expect((await b.getActiveNodes()).map((n) => n.nodeId)).toEqual(['b']);
  expect(logs.filter((l) => l.level !== 'info')).toEqual([]);
});

it('without a hashtag the keys span slots: the script fails with CROSSSLOT and the client refuses the prefix', async () => {
  const p = `it-${bed.suffix}:plain`;
  const k = discoveryKeys(p);
  const raw = connectCluster();
  const keys = nodeScriptKeys(k, 'a');
  expect(new Set(await Promise.all(keys.map((key) => raw.cluster('KEYSLOT', key)))).size).toBeGreaterThan(1);
  await expect(runScript(raw, HEARTBEAT_SCRIPT, keys, ['a', 'h:1', '[]', '1', 15, 15000, '', '{}'])).rejects.toThrow(/CROSSSLOT/);
  expect(() => new DiscoveryClient(raw, { redisPrefix: p })).toThrow(DiscoveryOptionsError);
  expect(() => new DiscoveryClient(raw, { redisPrefix: p })).toThrow(/has no \{hashtag\}/);
});
