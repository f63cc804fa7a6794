/**
 * `omnitron discovery ls`: the live nodes in the stack's discovery registry, read in client mode
 * (never writes, never reaps) from the Redis DB state records for discovery, through the node's SSH
 * tunnel when that Redis sits on a node. Read-only: no state lock.
 */
import { addr } from '../../planner/desired/addresses.js';
import { UserError } from '../../planner/diagnostics.js';
import { containsUnknown, resolve, type Json } from '../../planner/expr.js';
import type { StateRecord } from '../../planner/resource.js';
import { describeRedisError, parseRedisConnection, withRedisClient, type RedisConnection } from '../../providers/redis/connection.js';
import type { Endpoint } from '../../providers/ssh/reach.js';
import { DiscoveryClient, type NodeInfo } from '../../runtime/discovery/index.js';
import { createClients, type ClientOptions, type RunClients } from '../compose.js';
import type { Output } from '../output.js';
import { openSession, openStore, type StackOptions, type Session } from '../session.js';
import { renderNodesJson } from '../views/discovery-json.js';
import { renderNodesText } from '../views/discovery-text.js';

export interface DiscoveryLsFlags extends StackOptions {
  /** `NAME` or `NAME@VERSION`. */
  service?: string;
  json?: boolean;
}

export interface DiscoveryDeps {
  createClients?: (opts: ClientOptions) => RunClients;
  now?: () => number;
}

// A type, not an interface: views take it as a ServiceInfo, whose index signature interfaces lack.
export type ServiceFilter = { name: string; version?: string };

/** Where the stack's discovery registry lives, as state recorded it; `via`: the node to tunnel through. */
export interface DiscoveryTarget { index: number; connection: RedisConnection & Endpoint }

export const DISCOVERY_DB_ADDRESS = addr.redisDb('shared', 'discovery');

export async function discoveryLsCommand(flags: DiscoveryLsFlags, out: Output, deps: DiscoveryDeps = {}): Promise<number> {
  const filter = flags.service === undefined ? undefined : parseServiceFilter(flags.service);
  const session = await openSession(flags, out);
  const records = (await openStore(session)).records();
  const target = discoveryTarget(session, records);
  const nodes = await readLiveNodes(session, records, target, filter, deps);
  const now = (deps.now ?? Date.now)();
  const view = { stack: session.stack.scope.stack, index: target.index, filter, now };
  out.print(flags.json ? renderNodesJson(nodes, view) : renderNodesText(nodes, view));
  return 0;
}

export function parseServiceFilter(text: string): ServiceFilter {
  const at = text.lastIndexOf('@');
  const name = at > 0 ? text.slice(0, at) : text;
  const version = at > 0 ? text.slice(at + 1) : undefined;
  if (!/[^@\s]/.test(name) || name !== name.trim() || version === '' || (version !== undefined && version !== version.trim())) {
    throw new UserError(`--service ${JSON.stringify(text)}: expected NAME or NAME@VERSION`);
  }
  return version === undefined ? { name } : { name, version };
}

/** The DB index and connection from state; a one-line error when the stack has no discovery or it was never applied. */
export function discoveryTarget(session: Session, records: readonly StateRecord[]): DiscoveryTarget {
  const { model, scope } = session.stack;
  if (!model.apps.some((a) => a.requirements.discovery)) {
    throw new UserError(`stack "${scope.stack}" has no discovery: no app requires services.discovery`);
  }
  const record = records.find((r) => r.address === DISCOVERY_DB_ADDRESS);
  if (!record) throw new UserError(`discovery of stack "${scope.stack}" is not applied yet (no ${DISCOVERY_DB_ADDRESS} in state); run \`omnitron apply\` first`);
  const index = record.outputs.index ?? (record.attributes as { index?: Json } | null)?.index;
  const connection = recordedConnection(record, records);
  if (typeof index !== 'number' || !connection) {
    throw new UserError(`state has no usable index or connection for ${DISCOVERY_DB_ADDRESS}; run \`omnitron apply\` to record them again`);
  }
  return { index, connection };
}

export function recordedConnection(record: StateRecord, records: readonly StateRecord[]): DiscoveryTarget['connection'] | undefined {
  if (record.connection === undefined) return undefined;
  const byAddress = new Map(records.map((r) => [r.address, r]));
  const value = resolve(record.connection, (address, output) => byAddress.get(address)?.outputs[output]);
  return containsUnknown(value) ? undefined : parseRedisConnection(value as Json);
}

async function readLiveNodes(session: Session, records: readonly StateRecord[], target: DiscoveryTarget, filter: ServiceFilter | undefined, deps: DiscoveryDeps): Promise<NodeInfo[]> {
  // Host keys must already be pinned: the Redis password never goes to a host seen for the first time.
  const clients = (deps.createClients ?? createClients)({ nodes: session.stack.model.stack.nodes, records, trustNewHosts: false, signal: new AbortController().signal });
  let connected = false; // withRedisClient calls back only once connected: a failure before that is one to reach Redis
  try {
    return await withRedisClient(clients, target.connection, async (client) => {
      connected = true;
      const registry = new DiscoveryClient(client, { clientMode: true, redisPrefix: session.stack.model.discovery.redisPrefix }, { log: () => {} });
      return await (filter ? registry.findNodesByService(filter.name, filter.version) : registry.getActiveNodes());
    }, { db: target.index, commandTimeoutMs: 10_000 });
  } catch (err) {
    // Before the connection (the SSH tunnel, host-key trust, Redis auth) every failure is one to reach Redis.
    if (connected && err instanceof UserError) throw err;
    const failed = connected ? 'cannot read discovery at' : 'cannot reach the discovery Redis at';
    throw new UserError(`${failed} ${describeTarget(target)}: ${describeRedisError(err, [target.connection.password ?? ''])}`);
  } finally {
    await clients.close();
  }
}

function describeTarget({ connection: c, index }: DiscoveryTarget): string {
  return `${c.host}:${c.port} DB ${index}${c.via ? ` (through node ${c.via})` : ''}`;
}
