/**
 * Which postgres servers observe must read, and what it looks for on each: every desired or
 * remembered role/database, grouped by server so each server is queried once.
 */
import { containsUnknown, resolve, type Expr, type Json, type OutputLookup } from '../../planner/expr.js';
import type { ObserveRequest, StateRecord } from '../../planner/resource.js';
import { parsePgConnection, serverKey, type PgConnection } from './connection.js';

export interface Target {
  address: string;
  type: string;
  /** Name the object should have (desired) or had (state). */
  name?: string;
  /** State's password, to check the live verifier against (roles only). */
  password?: string;
  /** In config (not only remembered): may claim an object stamped by another stack, with a note. */
  desired: boolean;
}

export interface Server { connection: PgConnection; targets: Target[] }

export interface Targets {
  servers: Map<string, Server>;
  /** Addresses whose server cannot be determined although state has them. */
  unreachable: Map<string, string>;
}

function nameOf(attributes: unknown): string | undefined {
  const name = (attributes as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

function priorTarget(prior: StateRecord | undefined, address: string, type: string, desired: boolean): Target {
  const password = prior?.outputs.password;
  return { address, type, name: nameOf(prior?.attributes), desired, ...(typeof password === 'string' ? { password } : {}) };
}

function resolveConnection(expr: Expr | undefined, lookup: OutputLookup): PgConnection | undefined {
  if (expr === undefined) return undefined;
  const value = resolve(expr, lookup);
  return containsUnknown(value) ? undefined : parsePgConnection(value as Json);
}

export function collectTargets(request: ObserveRequest, types: ReadonlySet<string>): Targets {
  const out: Targets = { servers: new Map(), unreachable: new Map() };
  const priors = new Map(request.prior.filter((p) => types.has(p.type)).map((p) => [p.address, p]));
  const add = (connection: PgConnection, target: Target): void => {
    const key = serverKey(connection);
    const server = out.servers.get(key) ?? { connection, targets: [] };
    server.targets.push(target);
    out.servers.set(key, server);
  };
  for (const d of request.desired.filter((r) => types.has(r.type))) {
    const prior = priors.get(d.address);
    priors.delete(d.address);
    const connection = resolveConnection(d.connection, request.lookup) ?? resolveConnection(prior?.connection, request.lookup);
    const desiredName = nameOf(resolve(d.attributes, request.lookup));
    const target = { ...priorTarget(prior, d.address, d.type, true), ...(desiredName ? { name: desiredName } : {}) };
    if (connection) add(connection, target);
    else if (prior) out.unreachable.set(d.address, 'postgres server not known until apply');
    // Neither a server nor state: it cannot exist yet, so it is simply not found.
  }
  for (const prior of priors.values()) {
    const connection = resolveConnection(prior?.connection, request.lookup);
    if (connection) add(connection, priorTarget(prior, prior.address, prior.type, false));
    else out.unreachable.set(prior.address, prior.connection === undefined ? 'no connection recorded in state' : 'postgres server no longer known');
  }
  return out;
}
