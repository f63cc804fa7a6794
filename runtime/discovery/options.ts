/**
 * Discovery options: titan-discovery's names and defaults, plus the client-side cache. Validation
 * returns diagnostics (errors refuse to start, warnings are logged) instead of throwing.
 */
import { optionError as error, optionWarning as warning, type OptionIssue } from './option-issues.js';
import { DISCOVERY_WIRE_DEFAULTS } from '../../contract/discovery-defaults.js';
import { discoveryTimingIssues } from '../../contract/discovery-timing.js';
import { hashTag } from './keys.js';

export interface DiscoveryOptions {
  /** ms between heartbeats. */
  heartbeatInterval: number;
  /** ms a heartbeat keeps the node alive (heartbeat key PX; the hash expires after ceil(TTL/1000) s). */
  heartbeatTTL: number;
  /** Publish events on `pubSubChannel` and, after `start()`, receive them. */
  pubSubEnabled: boolean;
  pubSubChannel: string;
  /** Consume only: never register, heartbeat, publish or clean up. */
  clientMode: boolean;
  /** Key prefix; a `{hashtag}` keeps every key in one Redis Cluster slot. */
  redisPrefix: string;
  /** Attempts per heartbeat. */
  maxRetries: number;
  /** ms before the second attempt; doubled before each later one (retryDelay × 2^(attempt−1)). */
  retryDelay: number;
  /** Serve getActiveNodes/findNodesByService from a client-side cache kept current by events. */
  cache: boolean;
  /** ms after which the cache is reloaded from Redis even without a reason to (default heartbeatTTL). */
  cacheMaxAge: number;
}

export type DiscoveryOptionsInput = Partial<DiscoveryOptions>;

export const DISCOVERY_DEFAULTS: Readonly<Omit<DiscoveryOptions, 'cacheMaxAge'>> = {
  ...DISCOVERY_WIRE_DEFAULTS,
  pubSubEnabled: false,
  clientMode: false,
  maxRetries: 3,
  retryDelay: 1_000,
  cache: false,
};

export interface ResolvedOptions { options: DiscoveryOptions; diagnostics: OptionIssue[] }

/** Defaults filled in, then checked. `cluster`: the client is a Redis Cluster, so keys must share a slot. */
export function resolveDiscoveryOptions(input: DiscoveryOptionsInput = {}, context: { cluster?: boolean } = {}): ResolvedOptions {
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const options: DiscoveryOptions = { ...DISCOVERY_DEFAULTS, cacheMaxAge: input.heartbeatTTL ?? DISCOVERY_DEFAULTS.heartbeatTTL, ...given };
  return { options, diagnostics: [...unknownKeys(input), ...checkTypes(options), ...checkTiming(options), ...checkCache(options), ...checkPrefix(options, context)] };
}

const KNOWN = new Set<string>([...Object.keys(DISCOVERY_DEFAULTS), 'cacheMaxAge']);

function unknownKeys(input: object): OptionIssue[] {
  return Object.keys(input).filter((k) => !KNOWN.has(k))
    .map((k) => error(`unknown discovery option "${k}"`, { path: k, detail: `known options: ${[...KNOWN].join(', ')}` }));
}

const positive = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;

function checkTypes(o: DiscoveryOptions): OptionIssue[] {
  const out: OptionIssue[] = [];
  for (const k of ['heartbeatInterval', 'heartbeatTTL', 'cacheMaxAge'] as const) {
    if (!positive(o[k])) out.push(error(`must be a positive number of milliseconds, got ${JSON.stringify(o[k])}`, { path: k }));
  }
  if (!Number.isInteger(o.maxRetries) || o.maxRetries < 1) out.push(error(`must be an integer ≥ 1, got ${JSON.stringify(o.maxRetries)}`, { path: 'maxRetries' }));
  if (typeof o.retryDelay !== 'number' || !Number.isFinite(o.retryDelay) || o.retryDelay < 0) {
    out.push(error(`must be a number of milliseconds ≥ 0, got ${JSON.stringify(o.retryDelay)}`, { path: 'retryDelay' }));
  }
  for (const k of ['pubSubEnabled', 'clientMode', 'cache'] as const) {
    if (typeof o[k] !== 'boolean') out.push(error(`must be true or false, got ${JSON.stringify(o[k])}`, { path: k }));
  }
  for (const k of ['pubSubChannel', 'redisPrefix'] as const) {
    if (typeof o[k] !== 'string' || o[k] === '') out.push(error('must be a non-empty string', { path: k }));
  }
  return out;
}

function checkTiming(o: DiscoveryOptions): OptionIssue[] {
  if (!positive(o.heartbeatInterval) || !positive(o.heartbeatTTL)) return [];
  return discoveryTimingIssues(o.heartbeatInterval, o.heartbeatTTL).map((i) => ({ ...i, path: 'heartbeatTTL' }));
}

function checkCache(o: DiscoveryOptions): OptionIssue[] {
  if (o.cache !== true || o.pubSubEnabled !== false) return [];
  return [warning('cache without pubSubEnabled is refreshed only every cacheMaxAge', { path: 'cache', detail: 'enable pubSubEnabled so events keep the cache current' })];
}

function checkPrefix(o: DiscoveryOptions, context: { cluster?: boolean }): OptionIssue[] {
  if (typeof o.redisPrefix !== 'string' || o.redisPrefix === '' || hashTag(o.redisPrefix) !== undefined) return [];
  const detail = `wrap it in braces, e.g. "{${o.redisPrefix.replace(/[{}]/g, '')}}", so every discovery key hashes to one slot`;
  if (context.cluster) return [error(`redisPrefix "${o.redisPrefix}" has no {hashtag}; on Redis Cluster the heartbeat script's keys would span slots`, { path: 'redisPrefix', detail })];
  if (o.redisPrefix.includes('{')) return [warning(`redisPrefix "${o.redisPrefix}" has braces but no valid {hashtag}`, { path: 'redisPrefix', detail })];
  return [];
}
