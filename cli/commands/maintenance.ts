/**
 * `omnitron maintenance on|off|status`: flips the gateway's maintenance flag in the stack's Redis
 * (DB 0, `<project>:maintenance`), through the node's SSH tunnel when Redis sits on a node. The
 * gateways read it at most once a second, so nothing restarts or reloads. No state lock: it changes
 * no resource omnitron manages.
 */
import { UserError } from '../../planner/diagnostics.js';
import type { StateRecord } from '../../planner/resource.js';
import { MAINTENANCE_CACHE_SECONDS, MAINTENANCE_ON, maintenanceKey, maintenanceMessageKey } from '../../contract/maintenance-flag.js';
import { describeRedisError, withRedis, type RedisConnection } from '../../providers/redis/connection.js';
import type { Endpoint } from '../../providers/ssh/reach.js';
import { createClients, type ClientOptions, type RunClients } from '../compose.js';
import type { Output } from '../output.js';
import { openSession, openStore, type Session, type StackOptions } from '../session.js';
import { recordedConnection } from './discovery.js';

export type MaintenanceAction = 'on' | 'off' | 'status';

export interface MaintenanceFlags extends StackOptions {
  message?: string;
  json?: boolean;
}

export interface MaintenanceDeps { createClients?: (opts: ClientOptions) => RunClients }

export interface MaintenanceState { on: boolean; message?: string }

export async function maintenanceCommand(action: string, flags: MaintenanceFlags, out: Output, deps: MaintenanceDeps = {}): Promise<number> {
  if (action !== 'on' && action !== 'off' && action !== 'status') throw new UserError(`unknown action "${action}": expected on, off or status`);
  if (flags.message !== undefined && action !== 'on') throw new UserError('--message goes with `maintenance on`');
  const session = await openSession(flags, out);
  const records = (await openStore(session)).records();
  const connection = stackRedis(session, records);
  const project = session.stack.model.project;
  const state = await onRedis(session, records, connection, (run) => flipMaintenance(run, project, action, flags.message), deps);
  out.print(flags.json ? `${JSON.stringify({ stack: session.stack.scope.stack, key: maintenanceKey(project), ...state })}\n` : describe(session, action, state));
  return 0;
}

export type Run = (command: [string, ...string[]]) => Promise<unknown>;

/** Sets or clears the flag (and its message) as asked, then reads both back. */
export async function flipMaintenance(run: Run, project: string, action: MaintenanceAction, message: string | undefined): Promise<MaintenanceState> {
  const key = maintenanceKey(project);
  const messageKey = maintenanceMessageKey(project);
  if (action === 'on') {
    // The message first: a gateway that sees the flag already finds the text it goes with.
    await run(message ? ['SET', messageKey, message] : ['DEL', messageKey]);
    await run(['SET', key, MAINTENANCE_ON]);
  } else if (action === 'off') {
    await run(['DEL', key, messageKey]);
  }
  const [flag, text] = await Promise.all([run(['GET', key]), run(['GET', messageKey])]);
  return { on: flag === MAINTENANCE_ON, ...(typeof text === 'string' ? { message: text } : {}) };
}

function describe(session: Session, action: MaintenanceAction, state: MaintenanceState): string {
  const stack = session.stack.scope.stack;
  const when = action === 'status' ? '' : `; gateways show it within ${MAINTENANCE_CACHE_SECONDS} s`;
  const message = state.on && state.message ? `\nmessage: ${state.message}` : '';
  return `maintenance is ${state.on ? 'on' : 'off'} for stack "${stack}"${when}${message}\n`;
}

/** The stack's Redis as state recorded it (any of its DB indexes carries the connection). */
function stackRedis(session: Session, records: readonly StateRecord[]): RedisConnection & Endpoint {
  const { model, scope } = session.stack;
  if (!model.services.some((s) => s.requirement.preset === 'openresty')) {
    throw new UserError(`stack "${scope.stack}" has no gateway: add a service with preset "openresty"`);
  }
  if (!model.services.some((s) => s.name === 'redis' && s.requirement.preset === 'redis')) {
    throw new UserError(`stack "${scope.stack}" has no Redis: the maintenance flag lives in the stack's Redis (no app requires redis)`);
  }
  for (const record of records) {
    if (record.type !== 'redis_database') continue;
    const connection = recordedConnection(record, records);
    if (connection) return connection;
  }
  throw new UserError(`the Redis of stack "${scope.stack}" is not applied yet (no redis_database in state); run \`omnitron apply\` first`);
}

async function onRedis<T>(session: Session, records: readonly StateRecord[], target: RedisConnection & Endpoint, fn: (run: Run) => Promise<T>, deps: MaintenanceDeps): Promise<T> {
  // Host keys must already be pinned: the Redis password never goes to a host seen for the first time.
  const clients = (deps.createClients ?? createClients)({ nodes: session.stack.model.stack.nodes, records, trustNewHosts: false, signal: new AbortController().signal });
  try {
    return await withRedis(clients, target, ({ run }) => fn(run), { db: 0, commandTimeoutMs: 10_000 });
  } catch (err) {
    if (err instanceof UserError) throw err;
    const where = `${target.host}:${target.port}${target.via ? ` (through node ${target.via})` : ''}`;
    throw new UserError(`cannot reach the stack's Redis at ${where}: ${describeRedisError(err, [target.password ?? ''])}`);
  } finally {
    await clients.close();
  }
}
