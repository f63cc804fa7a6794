/**
 * Reading the registry as titan-discovery readers do: the index, then each node's hash and heartbeat
 * in one pipeline. A node is active iff its heartbeat key exists; dead or malformed nodes are removed
 * by the reader (reap.lua rechecks atomically), except in client mode, which never writes.
 */
import type { NodeRead } from './cache.js';
import { nodeScriptKeys, type DiscoveryKeys } from './keys.js';
import { errorText, type DiscoveryLog } from './log.js';
import { parseNodeHash, type NodeInfo } from './node-info.js';
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

/** One node, or null when it is not active. */
export async function readNode(ctx: ReaderContext, nodeId: string): Promise<NodeInfo | null> {
  const replies = (await ctx.redis.pipeline().hgetall(ctx.keys.node(nodeId)).pttl(ctx.keys.heartbeat(nodeId)).exec()) ?? [];
  const read = judge(nodeId, replyOf(replies[0]) as Record<string, string>, replyOf(replies[1]) as number);
  return 'reason' in read ? null : read.node;
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
