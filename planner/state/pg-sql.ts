/**
 * The Postgres state backend's SQL, as `{ text, values }` builders over one schema. Our own tables,
 * created by versioned migrations (`migrations` records which ran):
 *
 * - `states`: one small row per project and stack: lineage and the serial of the latest write (a
 *   journal entry bumps only this row, so its cost does not grow with the document);
 * - `documents`: one row per project and stack: the last whole sealed document;
 * - `journal`: the entries appended since that document, one row each;
 * - `history`: every whole document written;
 * - `locks`: who holds each stack's advisory lock (holder, host, pid, operation, started, heartbeat)
 *   and the server process of the holder's lock connection.
 */
/** `name`: prepared once per connection and reused (the statements run once per state change). */
export interface Sql { text: string; values: unknown[]; name?: string }

export interface StackKey { project: string; stack: string }

/** `"name"`, for a name already checked to be a plain identifier (state-url.ts). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export const MIGRATIONS: ReadonlyArray<(s: string) => string> = [
  (s) => `
    CREATE TABLE ${s}.states (
      project text NOT NULL, stack text NOT NULL, lineage text NOT NULL, serial bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (project, stack));
    CREATE TABLE ${s}.documents (
      project text NOT NULL, stack text NOT NULL, serial bigint NOT NULL, document bytea NOT NULL,
      PRIMARY KEY (project, stack));
    CREATE TABLE ${s}.journal (
      project text NOT NULL, stack text NOT NULL, serial bigint NOT NULL, entry bytea NOT NULL,
      written_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (project, stack, serial));
    CREATE TABLE ${s}.history (
      project text NOT NULL, stack text NOT NULL, lineage text NOT NULL, serial bigint NOT NULL,
      document bytea NOT NULL, written_at timestamptz NOT NULL,
      PRIMARY KEY (project, stack, lineage, serial));
    CREATE TABLE ${s}.locks (
      project text NOT NULL, stack text NOT NULL, id text NOT NULL, info jsonb NOT NULL,
      backend_pid integer NOT NULL, created_at timestamptz NOT NULL, heartbeat_at timestamptz NOT NULL,
      PRIMARY KEY (project, stack));`,
];

export function pgSql(schema: string, key: StackKey) {
  const s = quoteIdent(schema);
  const where = 'project = $1 AND stack = $2';
  const k = [key.project, key.stack];
  return {
    createSchema: (): Sql => ({ text: `CREATE SCHEMA IF NOT EXISTS ${s}`, values: [] }),
    createMigrations: (): Sql => ({ text: `CREATE TABLE IF NOT EXISTS ${s}.migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`, values: [] }),
    migrationVersion: (): Sql => ({ text: `SELECT coalesce(max(version), 0) AS version FROM ${s}.migrations`, values: [] }),
    migration: (index: number): Sql => ({ text: MIGRATIONS[index](s), values: [] }),
    recordMigration: (version: number): Sql => ({ text: `INSERT INTO ${s}.migrations (version) VALUES ($1)`, values: [version] }),
    /** One statement, so the document and the journal come from one snapshot. */
    read: (): Sql => ({
      text: `SELECT d.document, st.serial, st.lineage,
               coalesce((SELECT array_agg(j.entry ORDER BY j.serial) FROM ${s}.journal j WHERE j.project = st.project AND j.stack = st.stack), '{}') AS journal
             FROM ${s}.states st JOIN ${s}.documents d USING (project, stack) WHERE st.project = $1 AND st.stack = $2`,
      values: k,
    }),
    current: (): Sql => ({ text: `SELECT serial, lineage FROM ${s}.states WHERE ${where}`, values: k }),
    currentForUpdate: (): Sql => ({ text: `SELECT serial, lineage FROM ${s}.states WHERE ${where} FOR UPDATE`, values: k }),
    upsertState: (lineage: string, serial: number): Sql => ({
      text: `INSERT INTO ${s}.states (project, stack, lineage, serial, updated_at) VALUES ($1, $2, $3, $4, now())
             ON CONFLICT (project, stack) DO UPDATE SET lineage = excluded.lineage, serial = excluded.serial, updated_at = now()`,
      values: [...k, lineage, serial],
    }),
    upsertDocument: (serial: number, document: Uint8Array): Sql => ({
      text: `INSERT INTO ${s}.documents (project, stack, serial, document) VALUES ($1, $2, $3, $4)
             ON CONFLICT (project, stack) DO UPDATE SET serial = excluded.serial, document = excluded.document`,
      values: [...k, serial, document],
    }),
    clearJournal: (): Sql => ({ text: `DELETE FROM ${s}.journal WHERE ${where}`, values: k }),
    keepHistory: (lineage: string, serial: number, document: Uint8Array, writtenAt: string | undefined): Sql => ({
      text: `INSERT INTO ${s}.history (project, stack, lineage, serial, document, written_at) VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now()))
             ON CONFLICT (project, stack, lineage, serial) DO UPDATE SET document = excluded.document, written_at = excluded.written_at`,
      values: [...k, lineage, serial, document, writtenAt ?? null],
    }),
    /** One statement: the serial moves on only if it still is `previous`, and the entry is stored only if it did. */
    append: (lineage: string, serial: number, previous: number, entry: Uint8Array): Sql => ({
      name: `omnitron-append-${schema}`,
      text: `WITH bumped AS (
               UPDATE ${s}.states SET serial = $3, updated_at = now() WHERE ${where} AND serial = $4 AND lineage = $5 RETURNING 1)
             INSERT INTO ${s}.journal (project, stack, serial, entry) SELECT $1, $2, $3, $6 FROM bumped`,
      values: [...k, serial, previous, lineage, entry],
    }),
    deleteState: (): Sql => ({ text: `DELETE FROM ${s}.states WHERE ${where}`, values: k }),
    deleteDocument: (): Sql => ({ text: `DELETE FROM ${s}.documents WHERE ${where}`, values: k }),
    history: (): Sql => ({
      text: `SELECT serial, lineage, written_at, octet_length(document) AS bytes FROM ${s}.history WHERE ${where} ORDER BY serial, written_at`,
      values: k,
    }),
    readVersion: (serial: number): Sql => ({
      text: `SELECT document FROM ${s}.history WHERE ${where} AND serial = $3 ORDER BY written_at DESC LIMIT 1`,
      values: [...k, serial],
    }),
    tryLock: (keys: readonly [number, number]): Sql => ({ text: 'SELECT pg_try_advisory_lock($1::integer, $2::integer) AS ok', values: [...keys] }),
    unlock: (keys: readonly [number, number]): Sql => ({ text: 'SELECT pg_advisory_unlock($1::integer, $2::integer) AS ok', values: [...keys] }),
    /** The lock row, and whether its server process still holds the advisory lock. */
    readLock: (keys: readonly [number, number]): Sql => ({
      text: `SELECT l.id, l.info, l.backend_pid, l.heartbeat_at,
               EXISTS (SELECT 1 FROM pg_locks p WHERE p.locktype = 'advisory' AND p.granted AND p.pid = l.backend_pid
                       AND p.classid = $3::integer::oid AND p.objid = $4::integer::oid AND p.objsubid = 2) AS live
             FROM ${s}.locks l WHERE ${where}`,
      values: [...k, ...keys],
    }),
    /** Who holds the advisory lock, when no lock row names them yet. */
    advisoryHolder: (keys: readonly [number, number]): Sql => ({
      text: `SELECT p.pid, a.client_addr::text AS client, a.backend_start FROM pg_locks p LEFT JOIN pg_stat_activity a ON a.pid = p.pid
             WHERE p.locktype = 'advisory' AND p.granted AND p.classid = $1::integer::oid AND p.objid = $2::integer::oid AND p.objsubid = 2`,
      values: [...keys],
    }),
    writeLock: (id: string, info: unknown, createdAt: string): Sql => ({
      text: `INSERT INTO ${s}.locks (project, stack, id, info, backend_pid, created_at, heartbeat_at) VALUES ($1, $2, $3, $4, pg_backend_pid(), $5, now())
             ON CONFLICT (project, stack) DO UPDATE SET id = excluded.id, info = excluded.info, backend_pid = excluded.backend_pid,
               created_at = excluded.created_at, heartbeat_at = excluded.heartbeat_at`,
      values: [...k, id, JSON.stringify(info), createdAt],
    }),
    heartbeat: (id: string): Sql => ({ text: `UPDATE ${s}.locks SET heartbeat_at = now() WHERE ${where} AND id = $3`, values: [...k, id] }),
    deleteLock: (id: string): Sql => ({ text: `DELETE FROM ${s}.locks WHERE ${where} AND id = $3`, values: [...k, id] }),
    terminate: (pid: number): Sql => ({ text: 'SELECT pg_terminate_backend($1) AS ok', values: [pid] }),
    backendAlive: (pid: number): Sql => ({ text: 'SELECT 1 FROM pg_stat_activity WHERE pid = $1', values: [pid] }),
  };
}

export type PgStatements = ReturnType<typeof pgSql>;
