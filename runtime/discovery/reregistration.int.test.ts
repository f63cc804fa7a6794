/**
 * Real Redis: which event a node sends when it registers again. titan-discovery's writer decides by its
 * own memory, not by the keys: the first heartbeat of a DiscoveryService announces NODE_REGISTERED and
 * every later one NODE_UPDATED, also after it deregistered or its heartbeat key expired; a restarted
 * process starts afresh with NODE_REGISTERED, even while its previous heartbeat still lives.
 */
import { describe, expect, it } from 'vitest';
import type { DiscoveryEvent } from './events.js';
import { discoveryKeys } from './keys.js';
import { type LogEntry, useRegisteringNodeBed } from '../../test/support/discovery/discovery-bed.js';
import { waitFor } from '../../test/support/discovery/redis-servers.js';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

const t = useRegisteringNodeBed();

/** A registry under a fresh prefix with a peer that records the events about `nodeId`. */
async function withPeer(nodeId: string) {
  const p = t.bed.prefix();
  const options = { redisPrefix: p, heartbeatInterval: 60_000, heartbeatTTL: 180_000, pubSubEnabled: true, pubSubChannel: `${p}:events` };
  const peer = t.bed.client(options);
  const events: DiscoveryEvent[] = [];
  peer.onEvent((e) => { if (e.nodeId === nodeId) events.push(e); });
  await peer.start();
  return { p, k: discoveryKeys(p), options, peer, events, types: () => events.map((e) => e.type) };
}

describe('the event type on a re-registration', () => {
  it('after a deregistration: NODE_UPDATED', async () => {
    const { options, events, types } = await withPeer('a');
    const a = t.bed.client(options);
    await a.registerNode('a', '10.0.0.1:3000', [{ name: 'users' }]);
    await a.deregisterNode();
    await a.registerNode('a', '10.0.0.1:3000', [{ name: 'users' }]);
    await waitFor(() => events.length === 3);
    expect(types()).toEqual(['NODE_REGISTERED', 'NODE_DEREGISTERED', 'NODE_UPDATED']);
  });

  it('after the heartbeat key expired and a reader removed the node: NODE_UPDATED (Redis saw a new registration)', async () => {
    const { k, options, peer, events, types } = await withPeer('a');
    const raw = t.bed.connect();
    const logs: LogEntry[] = [];
    const a = t.bed.client(options, logs);
    await a.registerNode('a', '10.0.0.1:3000', [{ name: 'users' }]);
    await raw.pexpire(k.heartbeat('a'), 1);
    await waitFor(async () => (await raw.exists(k.heartbeat('a'))) === 0);
    expect(await peer.getActiveNodes()).toEqual([]);
    expect(await raw.exists(k.node('a'))).toBe(0);

    await a.registerService({ name: 'auth' }); // an immediate heartbeat
    await waitFor(() => events.length === 2);
    expect(types()).toEqual(['NODE_REGISTERED', 'NODE_UPDATED']);
    expect((await peer.getActiveNodes()).map((n) => n.nodeId)).toEqual(['a']);
    expect(logs.filter((l) => l.msg === 'node registered')).toHaveLength(2);
  });

  it('after a restart within the TTL (the old heartbeat still alive): NODE_REGISTERED from the new process', async () => {
    const nodeId = `restarted-${t.bed.suffix}`;
    const { p, k, events, types } = await withPeer(nodeId);
    const args = { port: t.server.port, prefix: p, channel: `${p}:events`, nodeId, interval: 60_000, ttl: 180_000 };
    const first = t.node.spawn(args);
    try {
      await waitFor(() => events.length === 1);
    } finally {
      first.child.kill('SIGKILL');
    }
    expect(await first.exited).toBe('SIGKILL');
    const raw = t.bed.connect();
    expect(await raw.pttl(k.heartbeat(nodeId))).toBeGreaterThan(60_000);

    const second = t.node.spawn(args);
    try {
      await waitFor(() => events.length === 2);
    } finally {
      second.child.kill('SIGKILL');
    }
    await second.exited;
    expect(types()).toEqual(['NODE_REGISTERED', 'NODE_REGISTERED']);
  });
});
