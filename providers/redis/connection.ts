/**
 * Reaching a Redis server: the connection value a resource carries, one short-lived connection per use
 * (no retries, no offline queue, 3 s connect timeout) and error text with the password masked.
 */
import type { Redis } from 'ioredis';
import * as z from 'zod';
import { requireBundled } from '../../contract/bundled-dependency.js';
import type { Json } from '../../planner/expr.js';
import type { Command } from './commands.js';
import type { Clients } from '../../planner/resource.js';
import { reach } from '../ssh/reach.js';
import { openRespConnection } from './resp-connection.js';

export interface RedisConnection { host: string; port: number; password?: string }

const connectionSchema = z.object({ host: z.string().min(1), port: z.number().int().positive(), password: z.string().optional(), via: z.string().min(1).optional() });

/** Undefined when missing or malformed (never echoes the value: it holds a password). */
export function parseRedisConnection(value: Json | undefined): RedisConnection | undefined {
  const parsed = connectionSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function serverKey(c: RedisConnection): string {
  return `${c.host}:${c.port}`;
}

export interface RedisSession {
  run(command: Command): Promise<unknown>;
  /** Replies in order; a failed command rejects the whole batch. */
  pipeline(commands: Command[]): Promise<unknown[]>;
}

export interface RedisOptions {
  /** DB selected on connect; 0 unless given. */
  db?: number;
  commandTimeoutMs?: number;
}

const CONNECT_TIMEOUT_MS = 3_000;

/** `fn` runs once connected, authenticated and on its DB; a failure to reach or connect rejects before it starts. */
export async function withRedis<T>(clients: Clients | undefined, target: RedisConnection, fn: (session: RedisSession) => Promise<T>, options: RedisOptions = {}): Promise<T> {
  const c = await reach(clients, target);
  const connection = await openRespConnection({
    host: c.host, port: c.port, password: c.password, db: options.db ?? 0, connectTimeoutMs: CONNECT_TIMEOUT_MS, commandTimeoutMs: options.commandTimeoutMs ?? 30_000,
  });
  try {
    return await fn({
      run: async (command) => (await connection.send([command]))[0],
      pipeline: (commands) => connection.send(commands),
    });
  } finally {
    connection.close();
  }
}

/** The same, with an ioredis client, for readers that need more than commands (the discovery registry). */
export async function withRedisClient<T>(clients: Clients | undefined, target: RedisConnection, fn: (client: Redis) => Promise<T>, options: RedisOptions = {}): Promise<T> {
  const c = await reach(clients, target);
  // Loaded on first use: only the discovery commands pay for it.
  const { Redis: RedisClient } = requireBundled('bundle/ioredis.cjs', 'ioredis') as typeof import('ioredis');
  const client = new RedisClient({
    host: c.host, port: c.port, password: c.password || undefined, db: options.db ?? 0, lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: options.commandTimeoutMs ?? 30_000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false,
  });
  // connect() only says "Connection is closed"; the error event carries the cause (WRONGPASS, ECONNREFUSED).
  let cause: unknown;
  client.on('error', (err) => { cause ??= err; });
  try {
    await client.connect().catch((err: unknown) => { throw cause ?? err; });
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

export function describeRedisError(err: unknown, secrets: readonly string[]): string {
  let text = err instanceof Error ? err.message : String(err);
  for (const s of secrets) if (s) text = text.replaceAll(s, '***');
  return text;
}
