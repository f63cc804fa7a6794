/**
 * Real Redis (local image, testcontainers, requirepass): markers, orphans, the out-of-range error,
 * flushing only what carries our marker, and failures that never leak the password; and the short-lived
 * connection every read and change goes through.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedTestContainer } from 'testcontainers';
import type { Json } from '../../planner/expr.js';
import { configHash } from '../../planner/hash.js';
import {
  ProviderError, type Applied, type ApplyOp, type DesiredResource, type ObserveRequest, type StateRecord,
} from '../../planner/resource.js';
import { MARKER_KEY } from './commands.js';
import { withRedis, type RedisConnection } from './connection.js';
import { redisProvider } from './index.js';
import { encodeMarker } from './marker.js';
import { RedisReplyError } from './resp.js';
import { redisDatabase } from './redis-database.js';
import { loopbackContainer } from '../../test/support/loopback-container.js';
import { testProviderContext } from '../../test/support/provider-context.js';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

const suffix = randomBytes(4).toString('hex');
const password = `redis-${randomBytes(12).toString('hex')}`;
const { ctx, events } = testProviderContext(`it-${suffix}`);

let container: StartedTestContainer | undefined;
let server: RedisConnection;
const clients: Redis[] = [];

async function startRedisWith(args: string[]): Promise<StartedTestContainer> {
  const { Wait } = await import('testcontainers');
  return (await loopbackContainer('omnitron-local/redis:7'))
    .withCommand(['redis-server', ...args])
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
    .start();
}

/** A plain client on one DB, as an app would use it. */
function db(index: number): Redis {
  const client = new Redis({ host: server.host, port: server.port, password, db: index, lazyConnect: false });
  clients.push(client);
  return client;
}

const attrs = (index: number, app = 'api', purpose = 'app') => ({ index, app, purpose });
const desired = (address: string, attributes: Json, connection: Json = server as unknown as Json): DesiredResource =>
  ({ address, type: 'redis_database', attributes, connection, dependsOn: [], sensitive: [] });
const request = (d: DesiredResource[], prior: StateRecord[] = []): ObserveRequest => ({ scope: ctx.scope, desired: d, prior, lookup: () => undefined });

function record(address: string, applied: Applied): StateRecord {
  return {
    address, type: 'redis_database', id: applied.id, attributes: applied.attributes, outputs: applied.outputs,
    dependsOn: [], sensitive: [], hash: configHash(applied.attributes), updatedAt: new Date().toISOString(), connection: server as unknown as Json,
  };
}

function apply(op: Omit<ApplyOp, 'hash' | 'connection'> & { connection?: Json }): Promise<Applied | undefined> {
  return redisDatabase.apply(ctx, {
    connection: server as never, ...op, hash: op.attributes === undefined ? undefined : configHash(op.attributes),
  });
}

beforeAll(async () => {
  container = await startRedisWith(['--requirepass', password, '--protected-mode', 'no']);
  server = { host: '127.0.0.1', port: container.getMappedPort(6379), password };
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await container?.stop();
});

describe('redis provider against a real server', () => {
  const api = 'redis_database.api';
  let apiRecord: StateRecord;

  it('create sets the marker; observe finds it, so the plan is a no-op', async () => {
    expect((await redisProvider.observe(ctx, request([desired(api, attrs(3))]))).objects.size).toBe(0);
    apiRecord = record(api, (await apply({ action: 'create', address: api, attributes: attrs(3) }))!);
    expect(apiRecord.outputs).toEqual({ index: 3 });

    const raw = await db(3).get(MARKER_KEY);
    expect(JSON.parse(raw!)).toEqual({ project: ctx.scope.project, stack: 'test', lineage: ctx.scope.lineage, address: api, hash: apiRecord.hash, app: 'api', purpose: 'app' });

    const seen = await redisProvider.observe(ctx, request([desired(api, attrs(3))], [apiRecord]));
    expect(seen.objects.get(api)).toEqual({ address: api, type: 'redis_database', id: '3', attributes: attrs(3), hash: apiRecord.hash, owner: { kind: 'this' } });
    expect(redisDatabase.plan({ address: api, desired: attrs(3), desiredHash: apiRecord.hash, prior: apiRecord, observed: seen.objects.get(api), sensitive: [] }))
      .toEqual({ action: 'noop', reason: 'matches config' });
  });

  it('an index beyond `databases` is flagged by observe and fails apply with a clear error', async () => {
    const far = 'redis_database.far';
    const seen = await redisProvider.observe(ctx, request([desired(far, attrs(16, 'far'))]));
    expect(seen.objects.get(far)).toMatchObject({ status: 'out-of-range', notes: ["index 16 is beyond the server's 16 databases (0-15): raise `databases`"] });
    expect(redisDatabase.plan({ address: far, desired: attrs(16, 'far'), observed: seen.objects.get(far), sensitive: [] }))
      .toEqual({ action: 'create', reason: "not found; index 16 is beyond the server's 16 databases (0-15): raise `databases`" });

    const failed = await apply({ action: 'create', address: far, attributes: attrs(16, 'far') }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ProviderError);
    expect((failed as ProviderError).message).toBe("cannot use redis DB index 16 is beyond the server's 16 databases (0-15): raise `databases`");
    expect((failed as ProviderError).address).toBe(far);
  });

  it('refuses an index marked by another stack, and adopts unmarked data at a wanted index', async () => {
    await db(5).set(MARKER_KEY, encodeMarker({ project: ctx.scope.project, stack: 'other', lineage: 'L-other', address: 'redis_database.x', hash: 'h', app: 'x', purpose: 'app' }));
    await db(7).set(`legacy:${suffix}`, 'v');
    const seen = await redisProvider.observe(ctx, request([desired('redis_database.web', attrs(5, 'web')), desired('redis_database.legacy', attrs(7, 'legacy'))]));
    expect(seen.objects.get('redis_database.web')?.status).toBe('in-use');
    expect(seen.objects.get('redis_database.legacy')?.notes).toEqual(['index 7 holds 1 keys without an omnitron marker']);

    await expect(apply({ action: 'create', address: 'redis_database.web', attributes: attrs(5, 'web') }))
      .rejects.toThrow(`redis DB 5 is used by omnitron ${ctx.scope.project}/other redis_database.x`);
    await apply({ action: 'update', address: 'redis_database.legacy', attributes: attrs(7, 'legacy') });
    expect(await db(7).get(`legacy:${suffix}`)).toBe('v');
    expect(JSON.parse((await db(7).get(MARKER_KEY))!)).toMatchObject({ address: 'redis_database.legacy' });
  });

  it('finds orphans by marker and flushes them on delete', async () => {
    const orphan = 'redis_database.orphan';
    await apply({ action: 'create', address: orphan, attributes: attrs(6, 'gone', 'discovery') });
    await db(6).set('discovery:key', '1');
    const seen = await redisProvider.observe(ctx, request([desired(api, attrs(3))], [apiRecord]));
    expect(seen.objects.get(orphan)).toMatchObject({ id: '6', attributes: attrs(6, 'gone', 'discovery') });
    expect(redisDatabase.plan({ address: orphan, observed: seen.objects.get(orphan), sensitive: [] }))
      .toEqual({ action: 'delete', reason: 'owned by this stack but not in config' });
    await apply({ action: 'delete', address: orphan, observed: seen.objects.get(orphan) });
    expect(await db(6).dbsize()).toBe(0);
  });

  it('replace on an index change flushes the old DB and marks the new one', async () => {
    await db(3).set('app:key', 'data');
    const moved = record(api, (await apply({ action: 'replace', address: api, attributes: attrs(8), prior: apiRecord }))!);
    expect(await db(3).dbsize()).toBe(0);
    expect(JSON.parse((await db(8).get(MARKER_KEY))!)).toMatchObject({ address: api, hash: moved.hash });
    apiRecord = moved;
  });

  it('delete flushes only a DB that still carries our marker', async () => {
    await db(9).set('foreign', '1');
    await apply({ action: 'delete', address: 'redis_database.stale', prior: record('redis_database.stale', { id: '9', attributes: attrs(9), outputs: {} }) });
    expect(await db(9).get('foreign')).toBe('1');
    expect(events).toContainEqual({ kind: 'warning', address: 'redis_database.stale', message: 'redis DB 9 not flushed: it holds data without an omnitron marker' });

    await db(8).set('app:key', 'data');
    await apply({ action: 'delete', address: api, prior: apiRecord });
    expect(await db(8).dbsize()).toBe(0);
    const after = await redisProvider.observe(ctx, request([], [apiRecord]));
    expect(after.objects.has(api)).toBe(false);
    expect(redisDatabase.plan({ address: api, prior: apiRecord, sensitive: [] })).toEqual({ action: 'noop', reason: 'already gone' });
  });

  it('a refused login or closed port makes addresses unreadable; errors never contain the password', async () => {
    const wrong = { ...server, password: `wrong-${randomBytes(8).toString('hex')}` };
    const refused = await redisProvider.observe(ctx, request([desired(api, attrs(3), wrong as never)]));
    expect(refused.unreadable.get(api)).toMatch(/^could not read redis at 127\.0\.0\.1:\d+: .*(WRONGPASS|invalid username-password)/);
    expect(refused.unreadable.get(api)).not.toContain(wrong.password);

    const down = await redisProvider.observe(ctx, request([desired(api, attrs(3), { ...server, port: 1 } as never)]));
    expect(down.unreadable.get(api)).toMatch(/^could not read redis at 127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect(down.unreadable.get(api)).not.toContain(password);

    const failed = (await apply({ action: 'create', address: api, attributes: attrs(3), connection: wrong as never }).catch((e: unknown) => e)) as Error;
    expect(failed).toBeInstanceOf(ProviderError);
    expect(failed.message).toMatch(/^could not create redis DB: /);
    expect(failed.message).not.toContain(wrong.password);
    expect(JSON.stringify(events)).not.toContain(password);
  });
});

describe('the short-lived connection (withRedis)', () => {
  it('logs in, selects its DB, and gives replies in order, pipelined or one by one', async () => {
    await db(11).set(`k:${suffix}`, 'é€ value\r\nwith a line break');
    const replies = await withRedis(undefined, server, async ({ run, pipeline }) => [
      await run(['get', `k:${suffix}`]),
      await pipeline([['dbsize'], ['set', `n:${suffix}`, '5'], ['incrby', `n:${suffix}`, '2'], ['get', 'missing'], ['config', 'get', 'databases']]),
    ], { db: 11 });
    expect(replies).toEqual(['é€ value\r\nwith a line break', [1, 'OK', 7, null, ['databases', '16']]]);
  });

  it('an error reply rejects its batch with the server\'s words, and the connection goes on', async () => {
    const seen = await withRedis(undefined, server, async ({ run, pipeline }) => {
      const failed = await pipeline([['set', `s:${suffix}`, 'x'], ['incr', `s:${suffix}`], ['get', `s:${suffix}`]]).catch((e: unknown) => e);
      return { failed, after: await run(['get', `s:${suffix}`]) };
    }, { db: 12 });
    expect(seen.failed).toBeInstanceOf(RedisReplyError);
    expect((seen.failed as Error).message).toMatch(/^ERR value is not an integer/);
    expect(seen.after).toBe('x');
  });

  it('a command that outlives its timeout fails, and the session with it', async () => {
    const failed = await withRedis(undefined, server, ({ run }) => run(['blpop', `never:${suffix}`, '5']), { commandTimeoutMs: 200 }).catch((e: unknown) => e);
    expect((failed as Error).message).toBe('Command timed out after 200 ms');
  });

  it('a wrong password or DB fails before the session starts', async () => {
    let started = false;
    const wrong = await withRedis(undefined, { ...server, password: 'nope' }, async () => { started = true; }).catch((e: unknown) => e);
    expect((wrong as Error).message).toMatch(/WRONGPASS|invalid username-password/);
    const badDb = await withRedis(undefined, server, async () => { started = true; }, { db: 99 }).catch((e: unknown) => e);
    expect((badDb as Error).message).toMatch(/DB index is out of range/);
    expect(started).toBe(false);
  });

  it('a command that cannot be encoded fails alone; the next one gets its own reply', async () => {
    const seen = await withRedis(undefined, server, async ({ run, pipeline }) => {
      const failed = await pipeline([['get', undefined as unknown as string]]).catch((e: unknown) => e);
      return { failed, next: await run(['echo', 'mine']) };
    });
    expect(seen.failed).toBeInstanceOf(TypeError);
    expect(seen.next).toBe('mine');
  });

  it('a password given for a server that has none is not an error (as ioredis had it); a server turning us away is heard', async () => {
    const open = await startRedisWith(['--protected-mode', 'no', '--maxclients', '1']);
    const target = { host: '127.0.0.1', port: open.getMappedPort(6379) };
    try {
      expect(await withRedis(undefined, { ...target, password: 'unneeded' }, ({ run }) => run(['ping']))).toBe('PONG');
      // The one client slot taken, the server says so as it accepts, before any command is sent.
      const refused = await withRedis(undefined, target, () => withRedis(undefined, target, ({ run }) => run(['ping']))).catch((e: unknown) => e);
      expect((refused as Error).message).toMatch(/max number of clients reached/);
    } finally {
      await open.stop();
    }
  });

  it('a server that does not know AUTH quotes the password back; the error keeps it out', async () => {
    const renamed = await startRedisWith(['--protected-mode', 'no', '--rename-command', 'AUTH', '']);
    const secret = `secret-${randomBytes(8).toString('hex')}`;
    try {
      const failed = await withRedis(undefined, { host: '127.0.0.1', port: renamed.getMappedPort(6379), password: secret }, ({ run }) => run(['ping'])).catch((e: unknown) => e);
      expect((failed as Error).message).toMatch(/^ERR unknown command 'auth'/);
      expect((failed as Error).message).not.toContain(secret);
    } finally {
      await renamed.stop();
    }
  });
});
