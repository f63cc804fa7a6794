/**
 * What redis observe looks for on each server: the DB index every desired or remembered
 * redis_database should have or had, grouped by server (providers/server-observe.ts) so each is probed once.
 */
import type { Server, ServerKind, TargetInput } from '../server-observe.js';
import { describeRedisError, parseRedisConnection, serverKey, type RedisConnection } from './connection.js';

export const REDIS_DATABASE_TYPE = 'redis_database';

export interface Target {
  address: string;
  /** Index the DB should have (desired) or had (state). */
  index?: number;
  /** In config: unmarked data at its index is reported (to be adopted); for remembered-only DBs it is left alone. */
  desired: boolean;
}

export type RedisServer = Server<RedisConnection, Target>;

function indexOf(attributes: unknown): number | undefined {
  const index = (attributes as { index?: unknown } | null)?.index;
  return typeof index === 'number' ? index : undefined;
}

function target({ address, desired, attributes, prior }: TargetInput): Target {
  return { address, index: indexOf(attributes) ?? indexOf(prior?.attributes), desired };
}

export const redisServers: ServerKind<RedisConnection, Target> = {
  label: 'redis',
  types: new Set([REDIS_DATABASE_TYPE]),
  parseConnection: parseRedisConnection,
  serverKey,
  target,
  describeError: (err, connection) => describeRedisError(err, [connection.password ?? '']),
};
