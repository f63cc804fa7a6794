/**
 * Observe for providers whose resources live in a server rather than on a node (postgres, redis):
 * every desired or remembered resource of their types is grouped by the server its connection
 * resolves to, each server is read once, and a server that cannot be read makes every address on it
 * unreadable with the cause; the planner then trusts state for them.
 */
import { containsUnknown, resolve, type Expr, type Json, type OutputLookup, type Value } from '../planner/expr.js';
import type { Observed, ObservedSet, ObserveRequest, StateRecord } from '../planner/resource.js';
import { timed } from '../planner/timing.js';

/** What observe looks for about one resource; `attributes` are the desired ones, resolved (absent when only state remembers it). */
export interface TargetInput { address: string; type: string; desired: boolean; attributes?: Value; prior?: StateRecord }

/** How one provider's servers are told apart and described. */
export interface ServerKind<C extends { host: string; port: number }, T> {
  /** Names the server in causes: `postgres`, `redis`. */
  label: string;
  types: ReadonlySet<string>;
  /** Undefined when the value is missing or malformed. */
  parseConnection(value: Json): C | undefined;
  /** Resources whose connections have the same key are read together. */
  serverKey(connection: C): string;
  target(input: TargetInput): T;
  /** The failure in one line, the connection's secrets masked. */
  describeError(err: unknown, connection: C): string;
}

export interface Server<C, T> { connection: C; targets: T[] }

export interface Targets<C, T> {
  servers: Map<string, Server<C, T>>;
  /** Addresses whose server cannot be determined although state has them, with why. */
  unreachable: Map<string, string>;
}

function resolveConnection<C>(expr: Expr | undefined, lookup: OutputLookup, parse: (value: Json) => C | undefined): C | undefined {
  if (expr === undefined) return undefined;
  const value = resolve(expr, lookup);
  return containsUnknown(value) ? undefined : parse(value as Json);
}

export function collectTargets<C extends { host: string; port: number }, T>(request: ObserveRequest, kind: ServerKind<C, T>): Targets<C, T> {
  const out: Targets<C, T> = { servers: new Map(), unreachable: new Map() };
  const connectionOf = (expr: Expr | undefined) => resolveConnection(expr, request.lookup, kind.parseConnection);
  const priors = new Map(request.prior.filter((p) => kind.types.has(p.type)).map((p) => [p.address, p]));
  const add = (connection: C, target: T): void => {
    const key = kind.serverKey(connection);
    const server = out.servers.get(key) ?? { connection, targets: [] };
    server.targets.push(target);
    out.servers.set(key, server);
  };
  for (const d of request.desired.filter((r) => kind.types.has(r.type))) {
    const prior = priors.get(d.address);
    priors.delete(d.address);
    const connection = connectionOf(d.connection) ?? connectionOf(prior?.connection);
    const target = kind.target({ address: d.address, type: d.type, desired: true, attributes: resolve(d.attributes, request.lookup), prior });
    if (connection) add(connection, target);
    else if (prior) out.unreachable.set(d.address, `${kind.label} server not known until apply`);
    // Neither a server nor state: it cannot exist yet, so it is simply not found.
  }
  for (const prior of priors.values()) {
    const connection = connectionOf(prior.connection);
    if (connection) add(connection, kind.target({ address: prior.address, type: prior.type, desired: false, prior }));
    else out.unreachable.set(prior.address, prior.connection === undefined ? 'no connection recorded in state' : `${kind.label} server no longer known`);
  }
  return out;
}

/** Reads every server the request's resources live on, concurrently, once each. */
export async function observeServers<C extends { host: string; port: number }, T extends { address: string }>(
  request: ObserveRequest, kind: ServerKind<C, T>, read: (server: Server<C, T>) => Promise<Observed[]>,
): Promise<ObservedSet> {
  const { servers, unreachable } = collectTargets(request, kind);
  const result: ObservedSet = { objects: new Map(), unreadable: new Map(unreachable) };
  await Promise.all([...servers.values()].map(async (server) => {
    try {
      for (const o of await timed(`read ${kind.label} at ${kind.serverKey(server.connection)}`, () => read(server))) result.objects.set(o.address, o);
    } catch (err) {
      const { host, port } = server.connection;
      const cause = `could not read ${kind.label} at ${host}:${port}: ${kind.describeError(err, server.connection)}`;
      for (const t of server.targets) result.unreadable.set(t.address, cause);
    }
  }));
  return result;
}
