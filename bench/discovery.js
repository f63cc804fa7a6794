/**
 * Service discovery (runtime/discovery, built into dist/): Redis commands per heartbeat, counted by
 * MONITOR (what the client sends) and INFO commandstats (what Redis executes, script body included),
 * and findNodesByService latency with 100 registered nodes, read from Redis and from the event-fed
 * cache. One throwaway Redis container from the local image (lib/redis-server.js), removed afterwards.
 * Skips itself, saying why, without Docker, the image or the build.
 */
import './lib/node24.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import { cleanupStack } from './lib/cleanup.js';
import { dockerProblem } from './lib/preflight.js';
import { REDIS_IMAGE, removeRedisServerNow, startRedisServer } from './lib/redis-server.js';
import { fmt, median, nowMs, table, verdict } from './lib/stats.js';

const DIST = fileURLToPath(new URL('../dist/runtime/discovery/', import.meta.url));
const NODES = 100;
const LOOKUPS = 500;
const WARMUP = 50;
const COUNTED = 20;
const BEATS = 200;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quietLog = () => {};

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function connect(server, resources) {
  const c = new Redis({ host: server.host, port: server.port, retryStrategy: () => 100 });
  c.on('error', () => {});
  resources.push(() => c.disconnect());
  return c;
}

async function address(connection) {
  return /addr=(\S+)/.exec(String(await connection.client('INFO')))[1];
}

async function commandStats(connection) {
  const stats = {};
  for (const line of String(await connection.info('commandstats')).split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (m) stats[m[1]] = Number(m[2]);
  }
  return stats;
}

async function watch(server, resources) {
  const m = await connect(server, resources).monitor();
  const seen = [];
  m.on('monitor', (_time, args, source) => seen.push({ source, command: String(args[0]).toLowerCase() }));
  resources.push(() => m.disconnect());
  return { seen, stop: async () => { await sleep(100); m.disconnect(); return seen; } };
}

/**
 * `BEATS` heartbeats, each one started by a change (updateAddress) and awaited, so the count is exact;
 * the timer path runs the same send. Every connection is open before the counting starts.
 */
async function commandsPerHeartbeat(lib, server, resources) {
  const prefix = `bench-disco-${process.pid}`;
  const connection = connect(server, resources);
  const node = new lib.DiscoveryClient(connection, { redisPrefix: prefix, pubSubEnabled: true, pubSubChannel: `${prefix}:events`, heartbeatInterval: 60_000, heartbeatTTL: 180_000 }, { log: quietLog });
  await node.registerNode('bench-beat', '10.0.0.1:3000', [{ name: 'users', version: '1.0.0' }]);
  resources.push(() => node.stop());
  const stats = connect(server, resources);
  const mine = await address(connection);
  const monitor = await watch(server, resources);
  const before = await commandStats(stats);
  for (let i = 0; i < BEATS; i++) await node.updateAddress(`10.0.0.1:${3000 + i}`);
  const after = await commandStats(stats);
  const seen = await monitor.stop();
  const sent = seen.filter((s) => s.source === mine).map((s) => s.command);
  const executed = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]).filter(([k, d]) => d > 0 && k !== 'info'));
  return { beats: BEATS, sent, executed };
}

async function registerNodes(lib, server, resources, prefix) {
  const shared = connect(server, resources);
  const clients = [];
  for (let i = 0; i < NODES; i++) {
    const d = new lib.DiscoveryClient(shared, { redisPrefix: prefix, pubSubEnabled: true, heartbeatInterval: 60_000, heartbeatTTL: 180_000 }, { log: quietLog });
    await d.registerNode(`bench-node-${i}`, `10.0.${i >> 8}.${i & 255}:3000`, [{ name: `svc-${i % 10}`, version: '1.0.0' }, { name: 'common' }]);
    clients.push(d);
  }
  resources.push(() => Promise.all(clients.map((c) => c.stop())));
}

async function timeLookups(reader) {
  const times = [];
  let found = 0;
  for (let i = 0; i < LOOKUPS; i++) {
    const start = nowMs();
    found = (await reader.findNodesByService(`svc-${i % 10}`, '1.0.0')).length;
    times.push(nowMs() - start);
  }
  return { median: median(times), p95: percentile(times, 95), found };
}

async function lookupLatency(lib, server, resources) {
  const prefix = `bench-lookup-${process.pid}`;
  await registerNodes(lib, server, resources, prefix);
  const results = [];
  for (const cache of [false, true]) {
    const connection = connect(server, resources);
    const reader = new lib.DiscoveryClient(connection, { redisPrefix: prefix, pubSubEnabled: true, cache, cacheMaxAge: 60_000 }, { log: quietLog });
    await reader.start();
    resources.push(() => reader.stop());
    const mine = await address(connection);
    for (let i = 0; i < WARMUP; i++) await reader.findNodesByService('svc-3', '1.0.0');
    const timing = await timeLookups(reader);
    // Counted in a pass of their own: MONITOR slows every command down.
    const monitor = await watch(server, resources);
    for (let i = 0; i < COUNTED; i++) await reader.findNodesByService(`svc-${i % 10}`, '1.0.0');
    const sent = (await monitor.stop()).filter((s) => s.source === mine).length;
    results.push({ cache, ...timing, commandsPerLookup: sent / COUNTED });
  }
  return results;
}

async function measure(print, lib, server, resources) {
  const hb = await commandsPerHeartbeat(lib, server, resources);
  const perBeat = hb.sent.length / hb.beats;
  const kinds = [...new Set(hb.sent)].join(', ') || 'none';
  print(`  ${hb.beats} heartbeats (pub/sub on):`);
  print(`    sent by the client (MONITOR): ${hb.sent.length} commands = ${fmt(perBeat, 2)} per heartbeat (${kinds})   target 1 script call: ${verdict(perBeat === 1 && kinds === 'evalsha')}`);
  const executed = Object.entries(hb.executed).sort().map(([k, d]) => `${k} ${fmt(d / hb.beats, 2)}`).join(', ');
  print(`    executed by Redis per heartbeat (INFO commandstats delta, script body included): ${executed}`);
  const lookups = await lookupLatency(lib, server, resources);
  print(`  findNodesByService(name, version) with ${NODES} registered nodes, ${LOOKUPS} lookups after ${WARMUP} warm-ups (matches: ${lookups[0].found}):`);
  const rows = lookups.map((l) => [l.cache ? 'cache (events)' : 'Redis (no cache)', `${fmt(l.median * 1000, 0)} µs`, `${fmt(l.p95 * 1000, 0)} µs`, fmt(l.commandsPerLookup, 2)]);
  print(table(['', 'median', 'p95', 'commands/lookup'], rows).split('\n').map((l) => `    ${l}`).join('\n'));
  print(`    cache speed-up: ${fmt(lookups[0].median / lookups[1].median, 0)}x`);
}

export async function discoveryPart(print) {
  print(`Part: service discovery (runtime/discovery): Redis commands per heartbeat, findNodesByService latency with ${NODES} nodes`);
  const docker = new Docker();
  const why = existsSync(`${DIST}index.js`) ? await dockerProblem(docker, [REDIS_IMAGE], 'bash scripts/build-images.sh redis')
    : 'dist/runtime/discovery is not built (npx tsc -p tsconfig.json)';
  if (why) {
    print(`  skipped: ${why}`);
    return;
  }
  const lib = await import(`${DIST}index.js`);
  const cleanup = cleanupStack(print);
  const resources = [];
  try {
    const onCreated = (id) => cleanup.add('remove the Redis container', () => removeRedisServerNow(id));
    const server = await startRedisServer(docker, { onCreated });
    await measure(print, lib, server, resources);
  } catch (e) {
    print(`  FAILED: ${e.message}`);
    process.exitCode = 1;
  } finally {
    for (const release of resources.reverse()) await Promise.resolve().then(release).catch(() => {});
    cleanup.run();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await discoveryPart((line = '') => console.log(line));
