/**
 * The bundled agent registering its node in a real, password-protected Redis (DB 3): titan's key
 * layout, services that follow app state and reloads, deregistration on SIGTERM, expiry after
 * SIGKILL, a Redis restart survived, and a missing URL that leaves the apps running.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscoveryClient, discoveryKeys, type DiscoveryEvent } from '../discovery/index.js';
import { freePort, restartRedis, startRedis, type TestRedis } from '../../test/support/discovery/redis-servers.js';
import { generateAgentKeyPair, signControlToken, type ControlAction, type JWK } from '../../contract/agent/control-token.js';
import { agentPaths, agentRequest } from './client.js';
import type { AgentManifest, ManifestApp, ManifestDiscovery } from '../../contract/agent/manifest.js';
import { alive, buildAgentBundle, fetchStatus, pidsOf, spawnAgent, waitFor, writeManifest, type AgentProcess } from '../../test/support/agent/agent-process.js';
import { FIXTURES, testApp, testManifest } from '../../test/support/agent/manifests.js';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

const suffix = randomBytes(4).toString('hex');
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
const DB = 3;
const URL_ENV = `OMNITRON_IT_DISCOVERY_URL_${suffix}`;
const INTERVAL = 500;
const TTL = 1_500;
const tmp = mkdtempSync(path.join(os.tmpdir(), `omnitron-agent-disco-${suffix}-`));
let server: TestRedis;
let raw: Redis;
let bundle: string;
let keys: { privateJwk: JWK; publicJwk: JWK };
const agents: AgentProcess[] = [];
const orphans: number[] = [];
const readers: DiscoveryClient[] = [];

beforeAll(async () => {
  [server, bundle, keys] = await Promise.all([
    freePort().then((hostPort) => startRedis({ hostPort, args: ['--requirepass', PASSWORD] })),
    buildAgentBundle(path.join(tmp, 'agent.bundle.mjs')),
    generateAgentKeyPair(),
  ]);
  process.env[URL_ENV] = `redis://:${PASSWORD}@127.0.0.1:${server.port}/${DB}`;
  raw = connect();
});

afterAll(async () => {
  for (const agent of agents) if (agent.child.exitCode === null && agent.child.signalCode === null) { agent.child.kill('SIGKILL'); await agent.exit; }
  for (const pid of orphans) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await Promise.allSettled(readers.map((r) => r.stop()));
  raw?.disconnect();
  delete process.env[URL_ENV];
  await server?.container.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function connect(db = DB): Redis {
  const c = new Redis({ host: '127.0.0.1', port: server.port, password: PASSWORD, db, retryStrategy: () => 100 });
  c.on('error', () => {});
  return c;
}

const token = (action: ControlAction = 'status') => signControlToken(keys.privateJwk, { node: 'node-1', action });
const envFile = (name: string, text = '') => { const f = path.join(tmp, `${name}.env`); writeFileSync(f, text); return f; };

interface Setup { manifest: AgentManifest; manifestPath: string; discovery: ManifestDiscovery }

function setup(name: string, apps: ManifestApp[], discovery: Partial<ManifestDiscovery> = {}): Setup {
  const prefix = `it-${suffix}-${name}:discovery`;
  const manifest: AgentManifest = {
    ...testManifest(path.join(tmp, name), keys.publicJwk, apps),
    discovery: {
      redisUrlEnv: URL_ENV, nodeId: `node-${suffix}-${name}`, address: '127.0.0.1:7001', redisPrefix: prefix,
      heartbeatInterval: INTERVAL, heartbeatTTL: TTL, pubSubEnabled: true, pubSubChannel: `${prefix}:events`,
      apps: apps.map((a) => a.name), ...discovery,
    },
  };
  const manifestPath = path.join(tmp, `${name}.json`);
  writeManifest(manifestPath, manifest);
  return { manifest, manifestPath, discovery: manifest.discovery! };
}

function start(manifestPath: string): AgentProcess {
  const agent = spawnAgent(bundle, manifestPath);
  agents.push(agent);
  return agent;
}

async function reader(d: ManifestDiscovery, events?: DiscoveryEvent[]): Promise<DiscoveryClient> {
  const client = new DiscoveryClient(connect(), { clientMode: true, redisPrefix: d.redisPrefix, pubSubEnabled: true, pubSubChannel: d.pubSubChannel }, { log: () => {} });
  readers.push(client);
  if (events) {
    client.onEvent((e) => events.push(e));
    await client.start();
  }
  return client;
}

/** The node's services as its hash holds them, or undefined while it has none. */
async function services(d: ManifestDiscovery, nodeId = d.nodeId): Promise<string | undefined> {
  return (await raw.hget(discoveryKeys(d.redisPrefix).node(nodeId), 'services')) ?? undefined;
}

const servicesAre = (d: ManifestDiscovery, expected: object[], nodeId?: string) =>
  waitFor(async () => (await services(d, nodeId)) === JSON.stringify(expected) || undefined, `services ${JSON.stringify(expected)}`);

async function keysGone(d: ManifestDiscovery, nodeId = d.nodeId): Promise<boolean> {
  const k = discoveryKeys(d.redisPrefix);
  return (await raw.exists(k.node(nodeId), k.heartbeat(nodeId))) === 0 && (await raw.sismember(k.index, nodeId)) === 0;
}

describe('node agent registering in discovery (bundled, real Redis)', () => {
  it('registers with titan\'s key layout, follows app state and reloads, and deregisters on SIGTERM', async () => {
    const flakyRestart = { strategy: 'one_for_one' as const, maxRestarts: 0, window: 60_000, backoff: { type: 'fixed' as const, initial: 50, max: 50, factor: 1 } };
    const { manifest, manifestPath, discovery: d } = setup('main', [
      testApp({ name: 'api', envFile: envFile('api') }),
      testApp({ name: 'sys', envFile: envFile('sys'), bootstrap: path.join(FIXTURES, 'system/bootstrap.js') }),
      testApp({ name: 'flaky', envFile: envFile('flaky', 'CRASH_AFTER_MS="2500"\n'), script: path.join(FIXTURES, 'crasher.mjs'), restart: flakyRestart }),
      testApp({ name: 'hidden', envFile: envFile('hidden') }),
    ], { apps: ['api', 'sys', 'flaky'] });
    const events: DiscoveryEvent[] = [];
    const peer = await reader(d, events);
    const agent = start(manifestPath);

    // every listed app running: api, sys at its defineSystem version, flaky; never the unlisted app
    await servicesAre(d, [{ name: 'api' }, { name: 'sys', version: '1.0.0' }, { name: 'flaky' }]);
    const k = discoveryKeys(d.redisPrefix);
    expect(k.node(d.nodeId)).toBe(`${d.redisPrefix}:nodes:${d.nodeId}`);
    const hash = await raw.hgetall(k.node(d.nodeId));
    expect(Object.keys(hash).sort()).toEqual(['address', 'services', 'timestamp']);
    expect(hash.address).toBe('127.0.0.1:7001');
    expect(Math.abs(Number(hash.timestamp) - Date.now())).toBeLessThan(5_000);
    const pttl = await raw.pttl(k.heartbeat(d.nodeId));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(TTL);

    // the URL (it holds the Redis password) is the agent's alone: no app inherits it
    const apiPid = pidsOf((await fetchStatus(manifest.controlSocket, await token())).apps.find((a) => a.name === 'api'))[0];
    expect(readFileSync(`/proc/${apiPid}/environ`, 'latin1').split('\0').filter((kv) => kv.startsWith(`${URL_ENV}=`))).toEqual([]);
    expect(await raw.smembers(k.index)).toEqual([d.nodeId]);
    const db0 = connect(0);
    expect(await db0.keys(`${d.redisPrefix}*`)).toEqual([]); // the URL's DB index is the one used
    db0.disconnect();
    expect((await peer.findNodesByService('sys', '1.0.0')).map((n) => n.nodeId)).toEqual([d.nodeId]);

    // flaky crashes with no restart budget: its service goes; a manual restart brings it back
    await servicesAre(d, [{ name: 'api' }, { name: 'sys', version: '1.0.0' }]);
    await agentRequest({ socketPath: manifest.controlSocket, token: await token('restart'), method: 'POST', path: agentPaths.restart('flaky') });
    await servicesAre(d, [{ name: 'api' }, { name: 'sys', version: '1.0.0' }, { name: 'flaky' }]);
    await servicesAre(d, [{ name: 'api' }, { name: 'sys', version: '1.0.0' }]);

    // reload: a new nodeId, address and app list are picked up in place; the old id is gone
    const renamed = { ...d, nodeId: `${d.nodeId}-b`, address: '127.0.0.1:7002', apps: ['sys', 'hidden'] };
    writeManifest(manifestPath, { ...manifest, discovery: renamed });
    await agentRequest({ socketPath: manifest.controlSocket, token: await token('reload'), method: 'POST', path: agentPaths.reload });
    await servicesAre(d, [{ name: 'sys', version: '1.0.0' }, { name: 'hidden' }], renamed.nodeId);
    expect(await raw.hget(k.node(renamed.nodeId), 'address')).toBe('127.0.0.1:7002');
    await waitFor(() => keysGone(d), 'the old node id deregistered');

    // reload: a new prefix needs a new client; the node moves from the old prefix to the new one
    const moved = { ...renamed, redisPrefix: `${d.redisPrefix}-v2` };
    writeManifest(manifestPath, { ...manifest, discovery: moved });
    agent.child.kill('SIGHUP');
    await servicesAre(moved, [{ name: 'sys', version: '1.0.0' }, { name: 'hidden' }]);
    await waitFor(() => keysGone(renamed), 'the node gone from the old prefix');

    // SIGTERM: deregistered before exit, and peers are told
    const pids = (await fetchStatus(manifest.controlSocket, await token())).apps.flatMap(pidsOf);
    agent.child.kill('SIGTERM');
    expect(await agent.exit).toBe(0);
    expect(await keysGone(moved)).toBe(true);
    expect(pids.filter(alive)).toEqual([]);
    await waitFor(() => events.some((e) => e.type === 'NODE_DEREGISTERED' && e.nodeId === moved.nodeId), 'NODE_DEREGISTERED');
    expect(events[0]).toMatchObject({ type: 'NODE_REGISTERED', nodeId: d.nodeId, address: '127.0.0.1:7001' });
    expect(events.some((e) => e.type === 'NODE_UPDATED' && e.nodeId === d.nodeId)).toBe(true);

    const logText = JSON.stringify(agent.logs);
    expect(logText).not.toContain(PASSWORD);
    expect(agent.logs.filter((l) => l.msg === 'discovery registering node').map((l) => l.nodeId)).toEqual([d.nodeId, renamed.nodeId]);
  });

  it('drops out for readers within heartbeatTTL + one interval after SIGKILL', async () => {
    const { manifest, manifestPath, discovery: d } = setup('killed', [testApp({ name: 'api', envFile: envFile('killed-api') })]);
    const peer = await reader(d);
    const agent = start(manifestPath);
    await servicesAre(d, [{ name: 'api' }]);
    orphans.push(...(await fetchStatus(manifest.controlSocket, await token())).apps.flatMap(pidsOf));
    await new Promise((r) => setTimeout(r, INTERVAL * 2)); // a few beats in
    expect((await peer.getActiveNodes()).map((n) => n.nodeId)).toEqual([d.nodeId]);

    agent.child.kill('SIGKILL');
    await agent.exit;
    const killedAt = Date.now();
    await waitFor(async () => (await peer.getActiveNodes()).length === 0 || undefined, 'the node gone for readers', TTL * 3);
    const elapsed = Date.now() - killedAt;
    expect(elapsed).toBeLessThanOrEqual(TTL + INTERVAL);
    expect(elapsed).toBeGreaterThan(TTL - INTERVAL - 200); // expiry, not a deregistration
    expect(await peer.isNodeActive(d.nodeId)).toBe(false);
  });

  it('keeps the agent and its apps running through a Redis restart, then registers again', async () => {
    const { manifest, manifestPath, discovery: d } = setup('outage', [testApp({ name: 'api', envFile: envFile('outage-api') })]);
    const agent = start(manifestPath);
    await servicesAre(d, [{ name: 'api' }]);
    const before = (await fetchStatus(manifest.controlSocket, await token())).apps.flatMap(pidsOf);

    await restartRedis(server); // no persistence: every key is lost
    await waitFor(async () => (await raw.ping().catch(() => '')) === 'PONG' || undefined, 'redis back');
    await servicesAre(d, [{ name: 'api' }]);
    await waitFor(() => agent.logs.filter((l) => l.msg === 'node registered' && l.nodeId === d.nodeId).length >= 2 || undefined, 'a second registration logged');
    expect(agent.logs.some((l) => l.msg === 'discovery redis unreachable; reconnecting')).toBe(true);

    const after = await fetchStatus(manifest.controlSocket, await token());
    expect(after.agent.state).toBe('running');
    expect(after.apps.flatMap(pidsOf)).toEqual(before);
    agent.child.kill('SIGTERM');
    expect(await agent.exit).toBe(0);
    expect(await keysGone(d)).toBe(true);
    expect(JSON.stringify(agent.logs)).not.toContain(PASSWORD);
  });

  it('logs a clear error and keeps supervising when the URL variable is not set', async () => {
    const unset = `OMNITRON_IT_UNSET_${suffix}`;
    const { manifest, manifestPath, discovery: d } = setup('nourl', [testApp({ name: 'api', envFile: envFile('nourl-api') })], { redisUrlEnv: unset });
    const agent = start(manifestPath);
    const disabled = await waitFor(() => agent.logs.find((l) => l.level === 'error' && String(l.msg).startsWith('discovery disabled')), 'the discovery error');
    expect(disabled.msg).toBe(`discovery disabled: environment variable ${unset} is not set; the apps keep running without registration`);
    const status = await waitFor(async () => {
      const s = await fetchStatus(manifest.controlSocket, await token());
      return s.apps[0]?.state === 'running' ? s : undefined;
    }, 'api running');
    expect(status.agent.state).toBe('running');
    expect(await raw.keys(`${d.redisPrefix}*`)).toEqual([]);
    agent.child.kill('SIGTERM');
    expect(await agent.exit).toBe(0);
  });
});
