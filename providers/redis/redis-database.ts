/**
 * `redis_database`: a DB index handed to an app (or shared for discovery/notifications), owned through
 * a marker key in that DB. create/update: select the index and set the marker (refusing an index
 * another owner marked, or one beyond the server's `databases`). replace/delete: FLUSHDB on the old
 * index, only while it still carries our marker; the plan shows it as a destroy.
 */
import * as z from 'zod';
import { defaultDecision, diffAttributes } from '../../planner/diff.js';
import type { Value } from '../../planner/expr.js';
import { configHash } from '../../planner/hash.js';
import { ProviderError, type ApplyOp, type Applied, type Decision, type Observed, type PlanInput, type ProviderContext, type ResourceType } from '../../planner/resource.js';
import { parseAttributes } from '../parse-attributes.js';
import { configGetDatabases, flushdb, getMarker, select, setMarker } from './commands.js';
import { describeRedisError, parseRedisConnection, withRedis, type RedisConnection, type RedisSession } from './connection.js';
import { describeOwner, encodeMarker, isOurs, parseMarker } from './marker.js';
import { IN_USE, OUT_OF_RANGE, outOfRangeNote, parseDatabases } from './probe.js';
import { REDIS_DATABASE_TYPE } from './targets.js';

const attributesSchema = z.object({ index: z.number().int(), app: z.string().min(1), purpose: z.enum(['app', 'discovery', 'notifications']) });
type Attributes = z.infer<typeof attributesSchema>;

export function planRedisDatabase(input: PlanInput): Decision {
  const { desired, observed, unreadable } = input;
  const status = unreadable ? undefined : observed?.status;
  if (status === OUT_OF_RANGE || status === IN_USE) {
    const why = observed?.notes?.[0] ?? status;
    return desired === undefined ? { action: 'noop', reason: `already gone (${why})` } : { action: 'create', reason: `not found; ${why}` };
  }
  if (desired !== undefined && observed && !unreadable && observed.hash === undefined) {
    const { diffs } = diffAttributes(observed.attributes as Value, desired, { sensitive: input.sensitive });
    return { action: 'update', reason: observed.notes?.[0] ?? 'no omnitron marker', diffs };
  }
  const base = defaultDecision(input, { replaceOn: ['index'] });
  if (base.action === 'noop' && desired !== undefined && observed && !unreadable && input.desiredHash !== undefined && observed.hash !== input.desiredHash) {
    return { action: 'update', reason: 'config hash diverged', diffs: [] };
  }
  return base;
}

function connectionFor(op: ApplyOp): RedisConnection {
  const c = parseRedisConnection(op.connection);
  if (c) return c;
  throw new ProviderError(op.address, 'no connection to its redis server is known',
    'the server is neither in config nor recorded in state; flush the DB by hand if needed');
}

/** Index of the live DB a replace/delete acts on: what observe saw, else state's attributes. */
function priorIndex(op: ApplyOp): number | undefined {
  for (const attrs of [op.observed?.attributes, op.prior?.attributes]) {
    const index = (attrs as { index?: unknown } | null | undefined)?.index;
    if (typeof index === 'number') return index;
  }
  return undefined;
}

async function selectIndex(session: RedisSession, index: number, address: string): Promise<void> {
  try {
    await session.run(select(index));
  } catch (err) {
    if (!/out of range/i.test(err instanceof Error ? err.message : '')) throw err;
    const databases = await session.run(configGetDatabases()).then(parseDatabases).catch(() => undefined);
    const why = databases === undefined ? `index ${index} is beyond the server's databases: raise \`databases\`` : outOfRangeNote(index, databases);
    throw new ProviderError(address, `cannot use redis DB ${why}`, 'set `databases` in the Redis server config (redis-server --databases N) above the highest index in use');
  }
}

/** FLUSHDB on `index`, but only while its marker still names this address; anything else is left alone. */
async function flushIfOurs(ctx: ProviderContext, session: RedisSession, address: string, index: number): Promise<void> {
  await selectIndex(session, index, address);
  const marker = parseMarker(await session.run(getMarker()));
  if (!isOurs(marker, ctx.scope, address)) {
    ctx.emit({ kind: 'warning', address, message: `redis DB ${index} not flushed: it holds ${describeOwner(marker)}` });
    return;
  }
  ctx.emit({ kind: 'progress', address, message: `flushing redis DB ${index}` });
  await session.run(flushdb());
}

async function claim(ctx: ProviderContext, session: RedisSession, op: ApplyOp, attrs: Attributes): Promise<void> {
  await selectIndex(session, attrs.index, op.address);
  const marker = parseMarker(await session.run(getMarker()));
  if (marker && !isOurs(marker, ctx.scope, op.address)) {
    throw new ProviderError(op.address, `redis DB ${attrs.index} is used by ${describeOwner(marker)}`, 'pick another index, or delete that owner first');
  }
  const hash = op.hash ?? configHash(attrs);
  await session.run(setMarker(encodeMarker({ project: ctx.scope.project, stack: ctx.scope.stack, lineage: ctx.scope.lineage, address: op.address, hash, app: attrs.app, purpose: attrs.purpose })));
}

async function applyRedisDatabase(ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  ctx.signal.throwIfAborted();
  const connection = connectionFor(op);
  const old = priorIndex(op);
  const attrs = op.action === 'delete' ? undefined : parseAttributes(attributesSchema, op, 'internal');
  try {
    await withRedis(ctx.clients, connection, async (session) => {
      if ((op.action === 'delete' || op.action === 'replace') && old !== undefined) await flushIfOurs(ctx, session, op.address, old);
      if (attrs) await claim(ctx, session, op, attrs);
    });
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    throw new ProviderError(op.address, `could not ${op.action} redis DB: ${describeRedisError(err, [connection.password ?? ''])}`);
  }
  return attrs && { id: String(attrs.index), attributes: attrs, outputs: { index: attrs.index } };
}

export const redisDatabase = {
  type: REDIS_DATABASE_TYPE,
  claimsObjects: true,
  plan: planRedisDatabase,
  recordOutputs: (observed: Observed) => ({ index: (observed.attributes as { index: number }).index }),
  apply: applyRedisDatabase,
} satisfies ResourceType;
