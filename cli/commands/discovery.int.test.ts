/**
 * `omnitron discovery ls` in-process against a real, password-protected Redis: nodes registered with
 * DiscoveryClient in the DB that state records for discovery, state written with the project's state
 * code from the stack's own Redis wiring, and the tunnel (`via`) path through an injected forward.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisResources, type WiringInput } from '../../planner/desired/app-wiring.js';
import { allocateRedisDbs } from '../../planner/desired/redis-allocation.js';
import { UserError } from '../../planner/diagnostics.js';
import { refsOf, type Json } from '../../planner/expr.js';
import type { StateRecord } from '../../planner/resource.js';
import { DiscoveryClient, discoveryKeys } from '../../runtime/discovery/index.js';
import { freePort, startRedis, type TestRedis } from '../../test/support/discovery/redis-servers.js';
import { makeProject, type TempProject } from '../../test/config/make-project.js';
import { createClients, type ClientOptions, type RunClients } from '../compose.js';
import type { Output } from '../output.js';
import { openSession, openStore } from '../session.js';
import { DISCOVERY_DB_ADDRESS, discoveryLsCommand, type DiscoveryDeps, type DiscoveryLsFlags } from './discovery.js';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

const suffix = randomBytes(4).toString('hex');
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
const DB = 3;
const PREFIX = 'titan:discovery';
let server: TestRedis;
const projects: TempProject[] = [];
const connections: Redis[] = [];
const registrants: DiscoveryClient[] = [];
const savedKey = process.env.OMNITRON_STATE_KEY;

beforeAll(async () => {
  server = await startRedis({ args: ['--requirepass', PASSWORD] });
  process.env.OMNITRON_STATE_KEY = randomBytes(32).toString('hex');
  await register(DB, 'node-a', '10.0.0.5:3000', [{ name: 'users', version: '1.0.0' }, { name: 'auth' }]);
  await register(DB, 'node-b', '10.0.0.6:3000', [{ name: 'users', version: '2.0.0' }]);
  await register(0, 'elsewhere', '10.0.0.9:3000', [{ name: 'users', version: '1.0.0' }]); // another DB: never listed
  // A dead node: hash and index entry left, heartbeat gone. A client-mode reader must skip it and leave it.
  await register(DB, 'dead', '10.0.0.7:3000', [{ name: 'users', version: '1.0.0' }]);
  await registrants.pop()!.stop();
  const k = discoveryKeys(PREFIX);
  await connect(DB).multi().hset(k.node('dead'), { address: '10.0.0.7:3000', services: '[]', timestamp: String(Date.now()) }).sadd(k.index, 'dead').exec();
});

afterAll(async () => {
  await Promise.allSettled(registrants.map((r) => r.stop()));
  for (const c of connections) c.disconnect();
  for (const p of projects) p.remove();
  if (savedKey === undefined) delete process.env.OMNITRON_STATE_KEY; else process.env.OMNITRON_STATE_KEY = savedKey;
  await server?.container.stop();
});

function connect(db: number): Redis {
  const c = new Redis({ host: '127.0.0.1', port: server.port, password: PASSWORD, db });
  c.on('error', () => {});
  connections.push(c);
  return c;
}

async function register(db: number, nodeId: string, address: string, services: Array<{ name: string; version?: string }>, redisPrefix = PREFIX): Promise<void> {
  const client = new DiscoveryClient(connect(db), { redisPrefix, heartbeatInterval: 5_000, heartbeatTTL: 30_000 }, { log: () => {} });
  registrants.push(client);
  await client.registerNode(nodeId, address, services);
}

/** A local stack whose Redis is the test server; `discovery` decides whether an app asks for it; `extra`: more top-level config. */
function project(discovery: boolean, redisPort = server.port, extra = ''): TempProject {
  const p = makeProject({
    'omnitron.config.mjs': `export default {
      project: 'disco${suffix}',${extra}
      apps: [{ name: 'api', script: './apps/api/dist/main.js' }, { name: 'web', script: './apps/web/dist/main.js' }],
      stacks: { dev: { type: 'local', serviceOverrides: { redis: { docker: { image: 'omnitron-local/redis:7', portMappings: { main: ${redisPort} } } } } } },
    };\n`,
    'apps/api/dist/main.js': '',
    'apps/web/dist/main.js': '',
    'apps/api/config/default.json': { omnitron: discovery ? { services: { discovery: true } } : { redis: true } },
  });
  projects.push(p);
  return p;
}

/** Records what `apply` would for the discovery DB (index kept from a prior apply) and the Redis password, via the state code. */
async function applyState(p: TempProject, opts: { password?: string; connection?: (c: Json) => Json } = {}): Promise<void> {
  const session = await openSession({ config: p.file('omnitron.config.mjs') }, quiet().out);
  const store = await openStore(session);
  const { model, scope } = session.stack;
  // The wiring a local stack's desired graph uses for its Redis DBs.
  const wiring: WiringInput = { model, redisSlots: allocateRedisDbs(model.apps, new Map()), stackDir: scope.stackDir, hostFor: () => '127.0.0.1', adminEndpoint: () => ({ host: '127.0.0.1' }) };
  const db = redisResources(wiring).find((r) => r.address === DISCOVERY_DB_ADDRESS)!;
  const [secret] = [...refsOf(db.connection!)];
  const record = (address: string, type: string, extra: Partial<StateRecord>): StateRecord => ({
    address, type, attributes: {}, outputs: {}, dependsOn: [], sensitive: [], hash: 'h', updatedAt: new Date().toISOString(), ...extra,
  });
  await store.upsert(record(secret!, 'random_password', { attributes: { length: 40, special: false }, outputs: { result: opts.password ?? PASSWORD }, sensitive: ['outputs.result'] }));
  const connection = opts.connection ? opts.connection(db.connection as Json) : db.connection;
  await store.upsert(record(db.address, db.type, { attributes: { index: DB, app: '*', purpose: 'discovery' }, outputs: { index: DB }, connection, dependsOn: db.dependsOn }));
}

function quiet(): { out: Output; printed: string[]; warned: string[] } {
  const printed: string[] = [];
  const warned: string[] = [];
  return { printed, warned, out: { color: false, tty: false, print: (t) => printed.push(t), warn: (t) => warned.push(t), diagnostics: (l) => warned.push(...l.map((d) => d.summary)) } };
}

async function ls(p: TempProject, flags: Omit<DiscoveryLsFlags, 'config'> = {}, deps?: DiscoveryDeps): Promise<{ code: number; text: string }> {
  const { out, printed } = quiet();
  const code = await discoveryLsCommand({ config: p.file('omnitron.config.mjs'), ...flags }, out, deps);
  return { code, text: printed.join('\n') };
}

async function refusal(run: Promise<unknown>): Promise<string> {
  const err = await run.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UserError);
  const { message, diagnostics } = err as UserError;
  expect(message.split('\n')).toHaveLength(1);
  expect(message).not.toContain(PASSWORD);
  expect(diagnostics).toHaveLength(1);
  return diagnostics[0]!.summary;
}

describe('omnitron discovery ls (real Redis, hand-made state)', () => {
  it('lists the live nodes of the recorded DB, with services and heartbeat age, and writes nothing', async () => {
    const p = project(true);
    await applyState(p);
    const { code, text } = await ls(p);
    expect(code).toBe(0);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^NODE\s+ADDRESS\s+SERVICES\s+LAST HEARTBEAT$/);
    expect(lines.slice(1).map((l) => l.split(/\s{3,}/))).toEqual([
      ['node-a', '10.0.0.5:3000', 'users@1.0.0, auth', expect.stringMatching(/^\ds ago$/)],
      ['node-b', '10.0.0.6:3000', 'users@2.0.0', expect.stringMatching(/^\ds ago$/)],
    ]);
    const k = discoveryKeys(PREFIX);
    expect(await connect(DB).exists(k.node('dead'))).toBe(1); // client mode: the dead node was not reaped
    expect(await connect(DB).sismember(k.index, 'dead')).toBe(1);
  });

  it('filters by service with findNodesByService semantics, and prints JSON', async () => {
    const p = project(true);
    await applyState(p);
    const json = async (service?: string) => JSON.parse((await ls(p, { json: true, ...(service ? { service } : {}) })).text) as { nodes: Array<{ node_id: string; services: object[]; last_heartbeat_age_ms: number }>; redis_db: number; service: object | null };
    const all = await json();
    expect(all).toMatchObject({ format_version: '1.0', stack: 'dev', redis_db: DB, service: null });
    expect(all.nodes.map((n) => n.node_id)).toEqual(['node-a', 'node-b']);
    expect(all.nodes[0]!.services).toEqual([{ name: 'users', version: '1.0.0' }, { name: 'auth' }]);
    expect(all.nodes[0]!.last_heartbeat_age_ms).toBeGreaterThanOrEqual(0);
    expect((await json('users')).nodes.map((n) => n.node_id)).toEqual(['node-a', 'node-b']);
    expect((await json('users@1.0.0')).nodes.map((n) => n.node_id)).toEqual(['node-a']);
    expect((await json('users@1.0')).nodes).toEqual([]);
    expect((await json('auth')).service).toEqual({ name: 'auth' });
    expect((await ls(p, { service: 'billing' })).text).toBe('No live nodes hosting billing in the discovery registry of stack "dev".');
  });

  it('reads under the redisPrefix the config gives discovery', async () => {
    await register(DB, 'prefixed', '10.0.0.8:3000', [{ name: 'users', version: '3.0.0' }], 'acme:disco');
    const p = project(true, server.port, ` discovery: { redisPrefix: 'acme:disco' },`);
    await applyState(p);
    const { text } = await ls(p);
    expect(text.split('\n').slice(1).map((l) => l.split(/\s{3,}/).slice(0, 3))).toEqual([['prefixed', '10.0.0.8:3000', 'users@3.0.0']]);
  });

  it('reaches a Redis behind a node through the client factory\'s forward', async () => {
    const p = project(true);
    // As a remote stack records it: the node's own address for Redis, and the node to tunnel through.
    await applyState(p, { connection: (c) => ({ ...(c as Record<string, Json>), host: '10.0.0.2', port: 6379, via: 'cache' }) });
    const forwarded: string[] = [];
    const created: ClientOptions[] = [];
    const tunnel = (opts: ClientOptions): RunClients => {
      created.push(opts);
      const real = createClients(opts);
      return { ...real, forward: async (node, host, port) => { forwarded.push(`${node} ${host}:${port}`); return { host: '127.0.0.1', port: server.port }; } };
    };
    const { code, text } = await ls(p, { service: 'users@2.0.0' }, { createClients: tunnel });
    expect(code).toBe(0);
    expect(forwarded).toEqual(['cache 10.0.0.2:6379']);
    expect(created[0]!.trustNewHosts).toBe(false);
    expect(text.split('\n').slice(1).map((l) => l.split(/\s{3,}/)[0])).toEqual(['node-b']);
  });

  it('refuses with one clear line when the stack has no discovery or nothing was applied', async () => {
    expect(await refusal(ls(project(false)))).toBe('stack "dev" has no discovery: no app requires services.discovery');
    expect(await refusal(ls(project(true)))).toBe('discovery of stack "dev" is not applied yet (no redis_database.shared_discovery in state); run `omnitron apply` first');
  });

  it('names the server, never the password, when Redis refuses or is not there', async () => {
    const wrong = project(true);
    await applyState(wrong, { password: `not-${PASSWORD}` });
    const refused = await refusal(ls(wrong));
    expect(refused).toMatch(new RegExp(`^cannot reach the discovery Redis at 127\\.0\\.0\\.1:${server.port} DB 3: WRONGPASS`));
    expect(refused).not.toContain(`not-${PASSWORD}`);

    const port = await freePort();
    const gone = project(true, port);
    await applyState(gone);
    expect(await refusal(ls(gone))).toMatch(new RegExp(`^cannot reach the discovery Redis at 127\\.0\\.0\\.1:${port} DB 3: .*ECONNREFUSED`));
  });
});
