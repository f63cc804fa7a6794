/**
 * The Postgres state backend against a real Postgres: the shared conformance suite, then what only a
 * database shows (another writer's stale serial, a dead holder's lock, a lock connection terminated
 * by the server, first use by many at once, a password never in a message).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBackendConformance } from '../../test/support/state/backend-conformance.js';
import { startStatePostgres, type StatePostgres } from '../../test/support/state/postgres.js';
import { LockLostError, StaleStateError } from './backend.js';
import { PgBackend } from './pg-backend.js';

let db: StatePostgres;
beforeAll(async () => { db = await startStatePostgres(); }, 180_000);
afterAll(async () => { await db?.stop(); });

const schemaName = () => `conf_${randomBytes(5).toString('hex')}`;
const open = (schema: string, stack = 'dev') => new PgBackend({ url: db.url, schema, project: 'conformance', stack });

describeBackendConformance('postgres', async () => {
  const schema = schemaName();
  return {
    backend: open(schema),
    reopen: () => open(schema),
    elsewhere: async () => open(schemaName()),
    cleanup: async () => { await db.sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`); },
  };
});

describe('postgres state backend', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('creates its schema and tables on first use, once, even when many processes start at once', async () => {
    const schema = schemaName();
    const backends = Array.from({ length: 6 }, (_, i) => open(schema, `s${i}`));
    await Promise.all(backends.map((b) => b.read()));
    const versions = await db.sql(`SELECT version FROM "${schema}".migrations ORDER BY version`);
    expect(versions).toEqual([{ version: 1 }]);
    const tables = await db.sql<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schema]);
    expect(tables.map((t) => t.table_name)).toEqual(['documents', 'history', 'journal', 'locks', 'migrations', 'states']);
    for (const b of backends) await b.close();
  });

  it('refuses a write based on a serial another process has since moved past', async () => {
    const schema = schemaName();
    const [a, b] = [open(schema), open(schema)];
    await a.put(bytes('doc'), { lineage: 'L', serial: 1, previous: 0 });
    await b.append(bytes('b wrote'), { lineage: 'L', serial: 2, previous: 1 });
    const stale = await a.append(bytes('a wrote'), { lineage: 'L', serial: 2, previous: 1 }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(StaleStateError);
    expect(String(stale)).toContain('expected serial 1 of lineage L, found serial 2');
    await expect(a.put(bytes('a again'), { lineage: 'L', serial: 2, previous: 1 })).rejects.toBeInstanceOf(StaleStateError);
    expect((await a.read())?.journal.map((e) => Buffer.from(e).toString())).toEqual(['b wrote']);
    await Promise.all([a.close(), b.close()]);
  });

  it('a holder whose connection is gone releases the lock: the next taker gets it at once and is told who held it', async () => {
    const schema = schemaName();
    const dead = open(schema);
    const lock = await dead.lock({ operation: 'apply' });
    await dead.close();
    const next = open(schema);
    const taken = await next.lock({ operation: 'apply' });
    expect(taken.takenOver).toMatchObject({ id: lock.id, holder: lock.holder, pid: lock.pid, operation: 'apply' });
    expect(taken.takenOver?.heartbeatAt).toBeDefined();
    await next.unlock(taken.id);
    await next.close();
  });

  it('a holder whose lock connection the server terminated stops before its next write', async () => {
    const schema = schemaName();
    const holder = open(schema);
    await holder.put(bytes('doc'), { lineage: 'L', serial: 1, previous: 0 });
    const lock = await holder.lock({ operation: 'apply' });
    const [row] = await db.sql<{ backend_pid: number }>(`SELECT backend_pid FROM "${schema}".locks`);
    await db.sql('SELECT pg_terminate_backend($1)', [row.backend_pid]);
    await expect(holder.append(bytes('late'), { lineage: 'L', serial: 2, previous: 1 })).rejects.toBeInstanceOf(LockLostError);
    await expect(holder.unlock(lock.id)).rejects.toBeInstanceOf(LockLostError);
    const other = open(schema);
    expect((await other.read())?.journal).toEqual([]);
    await expect(other.lock({ operation: 'apply' })).resolves.toMatchObject({ takenOver: { id: lock.id } });
    await Promise.all([holder.close(), other.close()]);
  });

  it('a statement the server refuses while the lock is held fails alone: the lock and later writes are unaffected', async () => {
    const schema = schemaName();
    const holder = open(schema);
    await holder.put(bytes('doc'), { lineage: 'L', serial: 1, previous: 0 });
    const lock = await holder.lock({ operation: 'apply' });
    await expect(holder.put(bytes('x'), { lineage: 'L', serial: 2, previous: 1, writtenAt: 'not a time' })).rejects.toThrow(/the state database failed: invalid input syntax for type timestamp/);
    await holder.append(bytes('after'), { lineage: 'L', serial: 2, previous: 1 });
    expect((await holder.read())?.journal.map((e) => Buffer.from(e).toString())).toEqual(['after']);
    await holder.unlock(lock.id);
    await holder.close();
  });

  it('never shows the password: not in describe, not when the server refuses it, not when it cannot be reached', async () => {
    const good = open(schemaName());
    expect(good.describe()).not.toContain(db.password);
    expect(good.describe()).toContain('postgres://postgres:***@127.0.0.1:');
    const wrong = new PgBackend({ url: db.url.replace(db.password, `${db.password}-wrong`), schema: 'x', project: 'p', stack: 's' });
    const refused = String(await wrong.read().catch((e: unknown) => e));
    expect(refused).toMatch(/cannot reach the state database postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/state: password authentication failed/);
    expect(refused).not.toContain(db.password);
    const port = new URL(db.url).port;
    const nowhere = new PgBackend({ url: db.url.replace(`:${port}/`, ':1/'), schema: 'x', project: 'p', stack: 's' });
    const unreachable = String(await nowhere.read().catch((e: unknown) => e));
    expect(unreachable).toContain('cannot reach the state database postgres://postgres:***@127.0.0.1:1/state');
    expect(unreachable).not.toContain(db.password);
    await good.close();
  });
});
