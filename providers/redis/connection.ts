/**
 * Reaching a Redis server: the connection value a resource carries, one short-lived client per use
 * (no retries, no offline queue, 3 s connect timeout) and error text with the password masked.
 */
import type { Redis } from 'ioredis';
import * as z from 'zod';
import { requireBundled } from '../../contract/bundled-dependency.js';
import type { Json } from '../../planner/expr.js';
import type { Command } from './commands.js';
import type { Clients } from '../../planner/resource.js';
import { reach } from '../ssh/reach.js';

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
  /** The connected client, for readers that need more than commands (the discovery registry). */
  client: Redis;
}

export interface RedisOptions {
  /** DB selected on connect; 0 unless given. */
  db?: number;
  commandTimeoutMs?: number;
}

/** `fn` runs once connected; a failure to reach or connect rejects before it starts. */
export async function withRedis<T>(clients: Clients | undefined, target: RedisConnection, fn: (session: RedisSession) => Promise<T>, options: RedisOptions = {}): Promise<T> {
  const c = await reach(clients, target);
  // Loaded on first use: plans of stacks without Redis resources never pay for it.
  const { Redis: RedisClient } = requireBundled('bundle/ioredis.cjs', 'ioredis') as typeof import('ioredis');
  const client = new RedisClient({
    host: c.host, port: c.port, password: c.password || undefined, db: options.db ?? 0, lazyConnect: true, connectTimeout: 3_000,
    commandTimeout: options.commandTimeoutMs ?? 30_000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false,
  });
  // connect() only says "Connection is closed"; the error event carries the cause (WRONGPASS, ECONNREFUSED).
  let cause: unknown;
  client.on('error', (err) => { cause ??= err; });
  try {
    await client.connect().catch((err: unknown) => { throw cause ?? err; });
    return await fn({
      run: ([name, ...args]) => client.call(name, ...args),
      pipeline: async (commands) => {
        const replies = (await client.pipeline(commands).exec()) ?? [];
        return replies.map(([err, reply]) => { if (err) throw err; return reply; });
      },
      client,
    });
  } finally {
    client.disconnect();
  }
}

export function describeRedisError(err: unknown, secrets: readonly string[]): string {
  let text = err instanceof Error ? err.message : String(err);
  for (const s of secrets) if (s) text = text.replaceAll(s, '***');
  return text;
}
