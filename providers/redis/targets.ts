/**
 * Which Redis servers observe must read and which DB indexes it looks for on each: every desired or
 * remembered redis_database, grouped by server so each server is probed once.
 */
import { containsUnknown, resolve, type Expr, type Json, type OutputLookup } from '../../planner/expr.js';
import type { ObserveRequest, StateRecord } from '../../planner/resource.js';
import { parseRedisConnection, serverKey, type RedisConnection } from './connection.js';

export interface Target {
  address: string;
  /** Index the DB should have (desired) or had (state). */
  index?: number;
  /** In config: unmarked data at its index is reported (to be adopted); for remembered-only DBs it is left alone. */
  desired: boolean;
}

export interface Server { connection: RedisConnection; targets: Target[] }

export interface Targets { servers: Map<string, Server>; unreachable: Map<string, string> }

function indexOf(attributes: unknown): number | undefined {
  const index = (attributes as { index?: unknown } | null)?.index;
  return typeof index === 'number' ? index : undefined;
}

function resolveConnection(expr: Expr | undefined, lookup: OutputLookup): RedisConnection | undefined {
  if (expr === undefined) return undefined;
  const value = resolve(expr, lookup);
  return containsUnknown(value) ? undefined : parseRedisConnection(value as Json);
}

export function collectTargets(request: ObserveRequest, type: string): Targets {
  const out: Targets = { servers: new Map(), unreachable: new Map() };
  const priors = new Map(request.prior.filter((p) => p.type === type).map((p) => [p.address, p]));
  const add = (connection: RedisConnection, target: Target): void => {
    const server = out.servers.get(serverKey(connection)) ?? { connection, targets: [] };
    server.targets.push(target);
    out.servers.set(serverKey(connection), server);
  };
  for (const d of request.desired.filter((r) => r.type === type)) {
    const prior = priors.get(d.address);
    priors.delete(d.address);
    const connection = resolveConnection(d.connection, request.lookup) ?? resolveConnection(prior?.connection, request.lookup);
    const target = { address: d.address, index: indexOf(resolve(d.attributes, request.lookup)) ?? indexOf(prior?.attributes), desired: true };
    if (connection) add(connection, target);
    else if (prior) out.unreachable.set(d.address, 'redis server not known until apply');
  }
  for (const prior of priors.values()) {
    const connection = resolveConnection(prior?.connection, request.lookup);
    if (connection) add(connection, { address: prior.address, index: indexOf(prior.attributes), desired: false });
    else out.unreachable.set(prior.address, prior.connection === undefined ? 'no connection recorded in state' : 'redis server no longer known');
  }
  return out;
}
