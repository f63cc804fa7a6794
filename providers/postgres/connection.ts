/**
 * Reaching a Postgres server: the connection value a resource carries, one short-lived client per
 * use, and error text that is safe to show (no passwords, no verifiers, no SQL literals).
 */
import pg from 'pg';
import * as z from 'zod';
import type { Json } from '../../planner/expr.js';
import type { Sql } from './sql.js';
import type { Clients } from '../../planner/resource.js';
import { reach } from '../ssh/reach.js';

export interface PgConnection { host: string; port: number; user: string; password: string; database?: string; via?: string }

const connectionSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().positive(),
  user: z.string().min(1),
  password: z.string(),
  database: z.string().min(1).optional(),
  via: z.string().min(1).optional(),
});

/** Undefined when the value is missing or malformed (never echoes the value: it holds a password). */
export function parsePgConnection(value: Json | undefined): PgConnection | undefined {
  const parsed = connectionSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Identity of a server for batching: one client per distinct host, port and login. */
export function serverKey(c: PgConnection): string {
  return `${c.user}@${c.host}:${c.port}${c.via ? ` via ${c.via}` : ''}`;
}

export type Run = <R extends Record<string, unknown>>(statement: Sql) => Promise<R[]>;

const CONNECT_TIMEOUT_MS = 3_000;
const QUERY_TIMEOUT_MS = 60_000;

export async function withPg<T>(clients: Clients | undefined, target: PgConnection, fn: (run: Run) => Promise<T>): Promise<T> {
  const c = await reach(clients, target);
  const client = new pg.Client({
    host: c.host, port: c.port, user: c.user, password: c.password, database: c.database ?? 'postgres',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS, query_timeout: QUERY_TIMEOUT_MS, application_name: 'omnitron',
  });
  // A dropped server connection is reported through the pending query; the event must not crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    const run: Run = async (statement) => (await client.query({ text: statement.text, values: statement.values })).rows;
    return await fn(run);
  } finally {
    // Not awaited: waiting for the server to close the socket adds a round trip, and nothing here needs it closed.
    void client.end().catch(() => {});
  }
}

export function pgErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** One line describing a failure, with every known secret and any SQL password literal masked. */
export function describePgError(err: unknown, secrets: readonly string[]): string {
  const message = err instanceof Error ? err.message : String(err);
  const sqlState = err instanceof pg.DatabaseError ? err.code : undefined;
  return redact(sqlState ? `${message} (SQLSTATE ${sqlState})` : message, secrets);
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text
    .replace(/PASSWORD\s+E?'(?:[^']|'')*'/gi, "PASSWORD '***'")
    .replace(/SCRAM-SHA-256\$[^\s'"]+/g, '***');
  for (const s of secrets) if (s.length > 0) out = out.replaceAll(s, '***');
  return out;
}
