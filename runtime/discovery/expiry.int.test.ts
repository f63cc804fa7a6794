/**
 * A registering node in its own process (the esbuild bundle of test/support/discovery/registering-node.ts), killed with SIGKILL:
 * it sends no goodbye, so peers must drop it by TTL alone, within heartbeatTTL + one interval.
 */
import { expect, it } from 'vitest';
import type { DiscoveryEvent } from './events.js';
import { discoveryKeys } from './keys.js';
import { useRegisteringNodeBed } from '../../test/support/discovery/discovery-bed.js';
import { waitFor } from '../../test/support/discovery/redis-servers.js';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

const INTERVAL = 500;
const TTL = 1500;
const t = useRegisteringNodeBed();

it('evicts a node killed with SIGKILL within heartbeatTTL + one interval, by TTL alone', async () => {
  const p = t.bed.prefix();
  const channel = `${p}:events`;
  const nodeId = `killed-${t.bed.suffix}`;
  const peer = t.bed.client({ redisPrefix: p, pubSubEnabled: true, pubSubChannel: channel, heartbeatInterval: INTERVAL, heartbeatTTL: TTL });
  const events: DiscoveryEvent[] = [];
  peer.onEvent((e) => events.push(e));
  await peer.start();

  const { child, exited } = t.node.spawn({ port: t.server.port, prefix: p, channel, nodeId, interval: INTERVAL, ttl: TTL });
  try {
    await waitFor(() => events.filter((e) => e.type === 'NODE_UPDATED').length >= 2);
    expect(events[0]).toMatchObject({ type: 'NODE_REGISTERED', nodeId, address: '127.0.0.1:4000', services: [{ name: 'users', version: '1.0.0' }] });
    expect((await peer.findNodesByService('users', '1.0.0')).map((n) => n.nodeId)).toEqual([nodeId]);
  } finally {
    child.kill('SIGKILL');
  }
  const killedAt = Date.now();
  expect(await exited).toBe('SIGKILL');

  await waitFor(async () => !(await peer.getActiveNodes()).some((n) => n.nodeId === nodeId), TTL + INTERVAL + 2000, 20);
  const goneAfter = Date.now() - killedAt;
  expect(goneAfter).toBeLessThanOrEqual(TTL + INTERVAL);
  // Its last heartbeat was at most one interval before the kill: it cannot vanish much earlier.
  expect(goneAfter).toBeGreaterThanOrEqual(TTL - INTERVAL - 250);
  expect(events.some((e) => e.type === 'NODE_DEREGISTERED')).toBe(false);
  const raw = t.bed.connect();
  const k = discoveryKeys(p);
  expect(await raw.sismember(k.index, nodeId)).toBe(0);
  expect(await raw.exists(k.node(nodeId), k.heartbeat(nodeId))).toBe(0);
});
