/**
 * The Lua scripts, run with EVALSHA and, when the server answers NOSCRIPT (fresh or restarted Redis,
 * SCRIPT FLUSH, another cluster node), with EVAL, which also caches the script for next time.
 * The sources come from lua/*.lua through the generated lua-sources.ts (see lua/embed.mjs), so tsc
 * output and esbuild bundles carry them as string constants and nothing reads a file at run time.
 */
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { deregisterLua, heartbeatLua, reapLua, updateNodeLua } from './lua-sources.js';

export type RedisClient = Redis | Cluster;

export interface LuaScript { name: string; source: string; sha: string }

function script(name: string, source: string): LuaScript {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

export const HEARTBEAT_SCRIPT = script('heartbeat', heartbeatLua);
export const DEREGISTER_SCRIPT = script('deregister', deregisterLua);
export const REAP_SCRIPT = script('reap', reapLua);
export const UPDATE_NODE_SCRIPT = script('update-node', updateNodeLua);

export async function runScript(redis: RedisClient, s: LuaScript, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
  try {
    return await redis.evalsha(s.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!isNoScript(err)) throw err;
    return redis.eval(s.source, keys.length, ...keys, ...args);
  }
}

function isNoScript(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOSCRIPT');
}
