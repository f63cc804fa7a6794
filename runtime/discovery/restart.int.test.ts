/**
 * Redis killed and restarted mid-run (no persistence: every key is lost). Heartbeats fail, back off and
 * log; nothing throws; once Redis is back the node re-registers and a peer hears of it, with the
 * NODE_UPDATED titan-discovery's writer sends (it registered once already, as far as it knows).
 * Node A reaches Redis through a loopback gate held shut until peer B has resubscribed: pub/sub drops
 * messages sent while a subscriber reconnects, and the gate makes that ordering deterministic.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DiscoveryEvent } from './events.js';
import { discoveryKeys } from './keys.js';
import { tcpGate, TestBed, type LogEntry, type TcpGate } from '../../test/support/discovery/discovery-bed.js';
import { freePort, restartRedis, startRedis, waitFor, type TestRedis } from '../../test/support/discovery/redis-servers.js';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

let server: TestRedis;
let bed: TestBed;
let gate: TcpGate;

beforeAll(async () => {
  server = await startRedis({ hostPort: await freePort() });
  bed = new TestBed(server.host, server.port);
  gate = await tcpGate(server.port);
});

afterAll(async () => {
  await bed?.close();
  await gate?.stop();
  await server?.container.stop();
});

const count = (logs: LogEntry[], msg: string | RegExp) => logs.filter((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg))).length;

it('survives a Redis restart: retries with backoff, re-registers, and peers hear of it again', async () => {
  const p = bed.prefix();
  const k = discoveryKeys(p);
  const options = { redisPrefix: p, pubSubEnabled: true, pubSubChannel: `${p}:events`, heartbeatInterval: 500, heartbeatTTL: 1500, retryDelay: 100, maxRetries: 3 };
  const aLogs: LogEntry[] = [];
  // No offline queue: while Redis is away an attempt fails at once instead of waiting to be replayed.
  const aConnection = bed.connect({ port: gate.port, enableOfflineQueue: false });
  await waitFor(() => aConnection.status === 'ready');
  const a = bed.client(options, aLogs, aConnection);
  const b = bed.client(options);
  const seenByB: DiscoveryEvent[] = [];
  b.onEvent((e) => { if (e.nodeId === 'a') seenByB.push(e); });
  await b.start();
  await b.registerNode('b', '10.0.0.2:3000', [{ name: 'auth' }]);
  await a.registerNode('a', '10.0.0.1:3000', [{ name: 'users', version: '1.0.0' }]);
  await waitFor(() => seenByB.length === 1);

  gate.open = false;
  await restartRedis(server);
  const raw = bed.connect();
  await waitFor(async () => (await raw.ping().catch(() => '')) === 'PONG', 10_000);
  await waitFor(() => count(aLogs, /^heartbeat failed/) >= 2, 10_000);
  await waitFor(async () => (await raw.pubsub('NUMSUB', `${p}:events`))[1] === 1, 10_000);
  expect(await raw.exists(k.node('a'), k.heartbeat('a'))).toBe(0);
  const beforeReturn = seenByB.length;
  gate.open = true;

  await waitFor(() => seenByB.length > beforeReturn, 10_000);
  // A's reply comes back through the gate, maybe after B heard the event the same script published.
  await waitFor(() => count(aLogs, 'heartbeat recovered') > 0, 10_000);
  expect(seenByB[0]).toMatchObject({ type: 'NODE_REGISTERED', nodeId: 'a', address: '10.0.0.1:3000' });
  expect(seenByB[beforeReturn]).toMatchObject({ type: 'NODE_UPDATED', nodeId: 'a', address: '10.0.0.1:3000' });
  expect(seenByB.slice(1).map((e) => e.type)).not.toContain('NODE_REGISTERED');
  expect(await raw.hgetall(k.node('a'))).toMatchObject({ address: '10.0.0.1:3000', services: '[{"name":"users","version":"1.0.0"}]' });
  expect((await b.getActiveNodes()).map((n) => n.nodeId)).toEqual(['a', 'b']);
  expect(count(aLogs, 'node registered')).toBe(2);
  expect(count(aLogs, 'heartbeat recovered')).toBe(1);
  const failures = aLogs.filter((l) => /^heartbeat failed/.test(l.msg));
  expect(failures.every((l) => l.level === 'warn' && typeof l.error === 'string')).toBe(true);
  expect(failures.slice(0, 2).map((l) => [l.attempt, l.delayMs])).toEqual([[1, 100], [2, 200]]);
});
