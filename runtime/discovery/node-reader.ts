/**
 * Reading the registry as titan-discovery readers do: the index, then each node's hash and heartbeat
 * in one pipeline. A node is active iff its heartbeat key exists. The active-node scan removes dead and
 * malformed nodes (reap.lua rechecks atomically), except in client mode, which never writes; the
 * lookups (one node, findNodes, getAllNodes) only read, with the lenient reading of node-info.ts.
 */
import type { NodeRead } from './cache.js';
import { nodeScriptKeys, type DiscoveryKeys } from './keys.js';
import { errorText, type DiscoveryLog } from './log.js';
import { parseNodeHash, readNodeHash, type NodeInfo } from './node-info.js';
import { REAP_SCRIPT, runScript, type RedisClient } from './scripts.js';

export interface ReaderContext {
  redis: RedisClient;
  keys: DiscoveryKeys;
  /** Remove dead and malformed nodes (false in client mode). */
  reap: boolean;
  log: DiscoveryLog;
}

const PTTL_MISSING = -2;
const PTTL_PERSISTENT = -1;

export async function readActiveNodes(ctx: ReaderContext): Promise<NodeRead[]> {
  const ids = (await ctx.redis.smembers(ctx.keys.index)).sort();
  if (ids.length === 0) return [];
  const pipeline = ctx.redis.pipeline();
  for (const id of ids) pipeline.hgetall(ctx.keys.node(id)).pttl(ctx.keys.heartbeat(id));
  const replies = (await pipeline.exec()) ?? [];
  const active: NodeRead[] = [];
  const dead: Array<{ nodeId: string; reason: string }> = [];
  ids.forEach((nodeId, i) => {
    const read = judge(nodeId, replyOf(replies[2 * i]) as Record<string, string>, replyOf(replies[2 * i + 1]) as number);
    if ('reason' in read) dead.push({ nodeId, reason: read.reason });
    else active.push(read);
  });
  if (ctx.reap) await Promise.all(dead.map((d) => reap(ctx, d.nodeId, d.reason)));
  return active;
}

/** One node's hash, whether or not its heartbeat lives; null without an address. */
export async function readNode(ctx: ReaderContext, nodeId: string): Promise<NodeInfo | null> {
  return readNodeHash(nodeId, await ctx.redis.hgetall(ctx.keys.node(nodeId)));
}

/** Every indexed node with an address, sorted by id; with `alive`, only those whose heartbeat key exists. Removes nothing. */
export async function readIndexedNodes(ctx: ReaderContext, filter: { alive: boolean }): Promise<NodeInfo[]> {
  const ids = (await ctx.redis.smembers(ctx.keys.index)).sort();
  if (ids.length === 0) return [];
  const pipeline = ctx.redis.pipeline();
  for (const id of ids) {
    pipeline.hgetall(ctx.keys.node(id));
    if (filter.alive) pipeline.exists(ctx.keys.heartbeat(id));
  }
  const replies = (await pipeline.exec()) ?? [];
  const step = filter.alive ? 2 : 1;
  return ids.flatMap((nodeId, i) => {
    if (filter.alive && replyOf(replies[step * i + 1]) !== 1) return [];
    const node = readNodeHash(nodeId, replyOf(replies[step * i]) as Record<string, string>);
    return node ? [node] : [];
  });
}

function judge(nodeId: string, hash: Record<string, string>, pttl: number): NodeRead | { reason: string } {
  if (pttl === PTTL_MISSING) return { reason: 'heartbeat expired' };
  const parsed = parseNodeHash(nodeId, hash);
  if (!parsed.ok) return { reason: parsed.reason };
  return { node: parsed.node, ttlMs: pttl === PTTL_PERSISTENT ? Infinity : pttl };
}

function replyOf(entry: [Error | null, unknown] | undefined): unknown {
  if (!entry) throw new Error('pipeline returned fewer replies than commands');
  if (entry[0]) throw entry[0];
  return entry[1];
}

async function reap(ctx: ReaderContext, nodeId: string, reason: string): Promise<void> {
  try {
    const removed = await runScript(ctx.redis, REAP_SCRIPT, nodeScriptKeys(ctx.keys, nodeId), [nodeId]);
    if (removed === 1) ctx.log({ level: 'info', msg: 'removed inactive node', nodeId, reason });
  } catch (err) {
    ctx.log({ level: 'warn', msg: 'could not remove inactive node', nodeId, reason, error: errorText(err) });
  }
}
