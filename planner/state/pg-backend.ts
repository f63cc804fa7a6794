/**
 * State in Postgres (pg-sql.ts has the tables). The database sees only sealed documents and entries,
 * the same bytes the file backend writes.
 *
 * The lock is `pg_try_advisory_lock` on a key derived from schema, project and stack, held by a
 * connection of its own for as long as the lock, plus a row saying who holds it (heartbeated). If the
 * holder dies or its connection drops, Postgres releases the lock; the next taker finds the row of a
 * holder that no longer holds it and reports it as taken over. While locked, every read and write goes
 * over the lock connection, so a write can succeed only while this process still holds the lock: a
 * holder whose connection was lost (or terminated by `force-unlock`) stops at its next write (fencing).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { UserError, error } from '../diagnostics.js';
import {
  type AcquiredLock, type HistoryEntry, type LockInfo, type LockRequest, type StateBackend, type StoredState, type WriteVersion,
  LockHeldError, LockLostError, StaleStateError, lockMismatch, newLockInfo,
} from './backend.js';
import { MIGRATIONS, type PgStatements, type Sql, pgSql } from './pg-sql.js';
import { maskUrl, scrubSecret } from './state-url.js';

export interface PgBackendOptions {
  url: string;
  schema: string;
  project: string;
  stack: string;
  /** How often the lock row's heartbeat is renewed (default 10 s). */
  heartbeatMs?: number;
}

const CONNECT_TIMEOUT_MS = 10_000;
/** A lock just taken may not have its row yet: how long a refused taker waits for it to name the holder. */
const ROW_GRACE_MS = 1_000;
/** How long force-unlock waits for a terminated holder's server process to be gone. */
const TERMINATE_WAIT_MS = 10_000;
/** Server-side keepalives on the lock connection: a holder whose machine vanished loses the lock within about 30 s. */
const LOCK_SESSION_SETTINGS = ['SET tcp_keepalives_idle = 10', 'SET tcp_keepalives_interval = 5', 'SET tcp_keepalives_count = 3', 'SET tcp_user_timeout = 30000'];

interface HeldLock {
  id: string;
  client: pg.Client;
  heartbeat: NodeJS.Timeout;
  /** Removes the listeners that notice a lost connection (the session may serve as the data connection again). */
  stopWatching(): void;
  /** Why the lock connection ended, once it has. */
  lost?: string;
}

interface LockRow { id: string; info: LockInfo; backend_pid: number; heartbeat_at: Date; live: boolean }

export class PgBackend implements StateBackend {
  private readonly url: string;
  private readonly schema: string;
  private readonly stack: string;
  private readonly sql: PgStatements;
  private readonly keys: readonly [number, number];
  private readonly heartbeatMs: number;
  private data: Promise<pg.Client> | undefined;
  private held: HeldLock | undefined;
  private migrated = false;
  /** A transaction is open on the connection: the heartbeat waits for the next beat rather than land inside it. */
  private inTransaction = false;

  constructor(options: PgBackendOptions) {
    this.url = options.url;
    this.schema = options.schema;
    this.stack = options.stack;
    this.sql = pgSql(options.schema, { project: options.project, stack: options.stack });
    this.keys = lockKeys(options.schema, options.project, options.stack);
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
  }

  describe(): string {
    return `${maskUrl(this.url)} (schema ${this.schema}, stack ${this.stack})`;
  }

  async read(): Promise<StoredState | null> {
    const [row] = await this.query<{ document: Buffer; journal: Buffer[] }>(this.sql.read());
    if (!row) return null;
    return { document: new Uint8Array(row.document), journal: row.journal.map((e) => new Uint8Array(e)) };
  }

  async put(document: Uint8Array, version: WriteVersion): Promise<void> {
    await this.transaction(async (run) => {
      const [found] = await run<{ serial: string; lineage: string }>(this.sql.currentForUpdate());
      const current = found ? { serial: Number(found.serial), lineage: found.lineage } : null;
      const expected = current === null ? 0 : current.serial;
      if (expected !== version.previous || (current && current.lineage !== version.lineage && version.previous !== 0)) {
        throw new StaleStateError(this.describe(), { serial: version.previous, lineage: version.lineage }, current);
      }
      await run(this.sql.upsertState(version.lineage, version.serial));
      await run(this.sql.upsertDocument(version.serial, document));
      await run(this.sql.clearJournal());
      await run(this.sql.keepHistory(version.lineage, version.serial, document, version.writtenAt));
    });
  }

  async append(entry: Uint8Array, version: WriteVersion): Promise<void> {
    const result = await this.execute(this.sql.append(version.lineage, version.serial, version.previous, entry));
    if (result.rowCount === 1) return;
    const [found] = await this.query<{ serial: string; lineage: string }>(this.sql.current());
    throw new StaleStateError(this.describe(), { serial: version.previous, lineage: version.lineage }, found ? { serial: Number(found.serial), lineage: found.lineage } : null);
  }

  async delete(): Promise<void> {
    await this.transaction(async (run) => {
      await run(this.sql.deleteState());
      await run(this.sql.deleteDocument());
      await run(this.sql.clearJournal());
    });
  }

  async history(): Promise<HistoryEntry[]> {
    const rows = await this.query<{ serial: string; lineage: string; written_at: Date; bytes: number }>(this.sql.history());
    return rows.map((r) => ({ serial: Number(r.serial), lineage: r.lineage, writtenAt: r.written_at.toISOString(), bytes: Number(r.bytes) }));
  }

  async readVersion(serial: number): Promise<Uint8Array | null> {
    const [row] = await this.query<{ document: Buffer }>(this.sql.readVersion(serial));
    return row ? new Uint8Array(row.document) : null;
  }

  async lock(request: LockRequest): Promise<AcquiredLock> {
    if (this.held) throw new Error('internal: this backend already holds the lock');
    await this.ensureSchema();
    const client = await this.lockConnection();
    let holding = false;
    try {
      const [{ ok }] = await this.on(client, this.sql.tryLock(this.keys));
      if (!ok) throw new LockHeldError(this.stack, await this.currentHolder(client));
      const info = newLockInfo(request);
      const [previous] = await this.on<LockRow>(client, this.sql.readLock(this.keys));
      await this.on(client, this.sql.writeLock(info.id, info, info.createdAt));
      this.hold(info.id, client);
      holding = true;
      // A row left behind names a holder whose session ended without unlocking: it died, or lost its connection.
      return previous && previous.id !== info.id ? { ...info, heartbeatAt: new Date().toISOString(), takenOver: withHeartbeat(previous) } : info;
    } catch (e) {
      if (!holding) await client.end().catch(() => {});
      throw e;
    }
  }

  async unlock(id: string): Promise<void> {
    const held = this.held;
    if (held?.id !== id) return this.forceUnlock(id);
    this.release();
    if (held.lost) {
      await held.client.end().catch(() => {});
      throw new LockLostError(this.stack, this.describe(), held.lost);
    }
    try {
      await this.on(held.client, this.sql.deleteLock(id));
      await this.on(held.client, this.sql.unlock(this.keys));
    } catch (e) {
      await held.client.end().catch(() => {});
      throw e;
    }
    // The session is healthy and holds nothing now: it serves as the data connection again.
    if (this.data) await held.client.end().catch(() => {});
    else this.data = Promise.resolve(held.client);
  }

  async readLock(): Promise<LockInfo | null> {
    await this.ensureSchema();
    const [row] = await this.query<LockRow>(this.sql.readLock(this.keys));
    return row?.live ? withHeartbeat(row) : null;
  }

  /** Ends the holder's lock connection on the server (which releases the lock) and removes its row. */
  async forceUnlock(id: string): Promise<void> {
    await this.ensureSchema();
    const [row] = await this.query<LockRow>(this.sql.readLock(this.keys));
    if (!row) throw lockMismatch(this.stack, id, null);
    if (row.id !== id) throw lockMismatch(this.stack, id, withHeartbeat(row));
    if (this.held?.id === id) return this.unlock(id);
    if (row.live) await this.terminate(row.backend_pid);
    await this.query(this.sql.deleteLock(id));
  }

  async close(): Promise<void> {
    const held = this.held;
    this.release();
    const data = this.data;
    this.data = undefined;
    await held?.client.end().catch(() => {});
    if (data) await (await data.catch(() => undefined))?.end().catch(() => {});
  }

  private hold(id: string, client: pg.Client): void {
    const onError = (e: Error) => { held.lost ??= this.scrub(e.message); };
    const onEnd = () => { held.lost ??= 'its connection to the database ended'; };
    const held: HeldLock = {
      id, client, heartbeat: setInterval(() => { void this.beat(held); }, this.heartbeatMs),
      stopWatching: () => { client.off('error', onError); client.off('end', onEnd); },
    };
    held.heartbeat.unref();
    client.on('error', onError);
    client.on('end', onEnd);
    this.held = held;
  }

  private release(): void {
    if (!this.held) return;
    clearInterval(this.held.heartbeat);
    this.held.stopWatching();
    this.held = undefined;
  }

  private async beat(held: HeldLock): Promise<void> {
    if (held.lost || this.inTransaction) return;
    await this.on(held.client, this.sql.heartbeat(held.id)).catch(() => {});
  }

  /** The live holder's row; a lock just taken may need a moment for its row to appear. */
  private async currentHolder(client: pg.Client): Promise<LockInfo> {
    const deadline = Date.now() + ROW_GRACE_MS;
    for (;;) {
      const [row] = await this.on<LockRow>(client, this.sql.readLock(this.keys));
      if (row?.live) return withHeartbeat(row);
      if (Date.now() > deadline) break;
      await new Promise((done) => setTimeout(done, 25));
    }
    const [holder] = await this.on<{ pid: number; client: string | null; backend_start: Date | null }>(client, this.sql.advisoryHolder(this.keys));
    const host = holder?.client ?? 'unknown host';
    return { id: 'unknown', holder: `an unknown process on ${host}`, host, pid: holder?.pid ?? 0, operation: 'unknown', createdAt: (holder?.backend_start ?? new Date()).toISOString() };
  }

  private async terminate(pid: number): Promise<void> {
    const [{ ok }] = await this.query<{ ok: boolean }>(this.sql.terminate(pid));
    if (!ok) {
      throw new UserError(error(`could not end the lock holder's database session (server process ${pid})`, {
        file: this.describe(), detail: 'The database user needs to be the same role as the holder\'s, or a member of pg_signal_backend.',
      }));
    }
    const deadline = Date.now() + TERMINATE_WAIT_MS;
    while ((await this.query(this.sql.backendAlive(pid))).length > 0) {
      if (Date.now() > deadline) throw new UserError(error(`the lock holder's database session (server process ${pid}) did not end`, { file: this.describe() }));
      await new Promise((done) => setTimeout(done, 20));
    }
  }

  /** Creates the schema and our tables on first use; concurrent first uses wait for each other. */
  private async ensureSchema(): Promise<void> {
    if (this.migrated) return;
    await this.transaction(async (run) => {
      await run({ text: 'SELECT pg_advisory_xact_lock($1::integer, $2::integer)', values: [...lockKeys(this.schema, '', 'migrations')] });
      await run(this.sql.createSchema());
      await run(this.sql.createMigrations());
      const [{ version }] = await run<{ version: number }>(this.sql.migrationVersion());
      if (version > MIGRATIONS.length) {
        throw new UserError(error(`the state tables in schema ${this.schema} were made by a newer omnitron (version ${version}; this one knows up to ${MIGRATIONS.length})`, {
          file: this.describe(), detail: 'Upgrade omnitron to use this state.',
        }));
      }
      for (let v = version; v < MIGRATIONS.length; v++) {
        await run(this.sql.migration(v));
        await run(this.sql.recordMigration(v + 1));
      }
    }, false);
    this.migrated = true;
  }

  private async query<R extends object = Record<string, unknown>>(statement: Sql): Promise<R[]> {
    return (await this.execute(statement)).rows as R[];
  }

  private async execute(statement: Sql): Promise<pg.QueryResult> {
    await this.ensureSchema();
    return this.run(await this.client(), statement);
  }

  /** Every statement while the lock is held goes over the lock connection, so none succeeds after the lock is lost. */
  private async client(): Promise<pg.Client> {
    if (this.held) {
      if (this.held.lost) throw new LockLostError(this.stack, this.describe(), this.held.lost);
      return this.held.client;
    }
    this.data ??= this.connect([]);
    return this.data;
  }

  private async transaction(work: (run: <R extends object = Record<string, unknown>>(s: Sql) => Promise<R[]>) => Promise<void>, migrate = true): Promise<void> {
    if (migrate) await this.ensureSchema();
    const client = await this.client();
    this.inTransaction = true;
    try {
      await this.run(client, { text: 'BEGIN', values: [] });
      await work(async <R extends object>(s: Sql) => (await this.run(client, s)).rows as R[]);
      await this.run(client, { text: 'COMMIT', values: [] });
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      this.inTransaction = false;
    }
  }

  private async on<R extends object = Record<string, unknown>>(client: pg.Client, statement: Sql): Promise<R[]> {
    return (await this.run(client, statement)).rows as R[];
  }

  private async run(client: pg.Client, statement: Sql): Promise<pg.QueryResult> {
    try {
      return await client.query({ text: statement.text, values: statement.values, ...(statement.name ? { name: statement.name } : {}) });
    } catch (e) {
      throw this.failure(client, e);
    }
  }

  /** The data connection becomes the lock connection when there is one (no second login), else a new one. */
  private async lockConnection(): Promise<pg.Client> {
    const data = this.data;
    this.data = undefined;
    const client = data && await data.catch(() => undefined);
    if (!client) return this.connect(LOCK_SESSION_SETTINGS);
    try {
      await client.query(LOCK_SESSION_SETTINGS.join('; '));
    } catch (e) {
      await client.end().catch(() => {});
      throw this.failure(client, e);
    }
    return client;
  }

  private async connect(settings: readonly string[]): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'omnitron state', keepAlive: true });
    // A dropped connection is reported through the next statement (or as a lost lock); the event must not crash the process.
    client.on('error', () => {});
    try {
      await client.connect();
      if (settings.length > 0) await client.query(settings.join('; '));
    } catch (e) {
      await client.end().catch(() => {});
      throw new UserError(error(`cannot reach the state database ${maskUrl(this.url)}: ${this.scrub(messageOf(e))}`, {
        detail: 'Check the state URL (OMNITRON_STATE_URL, or `state.url` in the config), that the server is up, and the user\'s password.',
      }));
    }
    return client;
  }

  private failure(client: pg.Client, e: unknown): unknown {
    if (e instanceof UserError) return e;
    // A statement the server refused leaves the session (and the lock) as it was; anything else means the connection is gone.
    if (this.held?.client === client && !isSqlError(e)) {
      this.held.lost ??= this.scrub(messageOf(e));
      return new LockLostError(this.stack, this.describe(), this.held.lost);
    }
    return new UserError(error(`the state database failed: ${this.scrub(messageOf(e))}`, { file: this.describe() }));
  }

  private scrub(text: string): string {
    return scrubSecret(text, this.url);
  }
}

/** Two non-negative int4 keys from a hash of schema, project and stack (the two-key form shows in pg_locks as objsubid 2). */
export function lockKeys(schema: string, project: string, stack: string): readonly [number, number] {
  const digest = createHash('sha256').update(`omnitron-state-lock\0${schema}\0${project}\0${stack}`).digest();
  return [digest.readUInt32BE(0) & 0x7fffffff, digest.readUInt32BE(4) & 0x7fffffff];
}

function withHeartbeat(row: LockRow): LockInfo {
  return { ...row.info, heartbeatAt: new Date(row.heartbeat_at).toISOString() };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** An error the server reported about a statement (it has a SQLSTATE), as opposed to a lost connection. */
function isSqlError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && code !== '57P01';
}
