import { describe, expect, it } from 'vitest';
import { DISCOVERY_DEFAULTS, resolveDiscoveryOptions } from './options.js';

const summaries = (input: object, cluster = false) =>
  resolveDiscoveryOptions(input, { cluster }).diagnostics.map((d) => `${d.severity} ${d.path}: ${d.summary}`);

describe('resolveDiscoveryOptions', () => {
  it('fills in titan-discovery defaults, with the cache off and cacheMaxAge = heartbeatTTL', () => {
    const { options, diagnostics } = resolveDiscoveryOptions();
    expect(diagnostics).toEqual([]);
    expect(options).toEqual({
      heartbeatInterval: 5000, heartbeatTTL: 15000, pubSubEnabled: false, pubSubChannel: 'titan:discovery:events',
      clientMode: false, redisPrefix: 'titan:discovery', maxRetries: 3, retryDelay: 1000, cache: false, cacheMaxAge: 15000,
    });
    expect(DISCOVERY_DEFAULTS.heartbeatTTL).toBe(15000);
  });

  it('keeps given values and ignores undefined ones', () => {
    const { options } = resolveDiscoveryOptions({ heartbeatInterval: 1000, heartbeatTTL: 3000, redisPrefix: undefined });
    expect(options).toMatchObject({ heartbeatInterval: 1000, heartbeatTTL: 3000, cacheMaxAge: 3000, redisPrefix: 'titan:discovery' });
  });

  it('rejects a TTL below 2× the interval', () => {
    expect(summaries({ heartbeatInterval: 5000, heartbeatTTL: 9999 })).toEqual([
      'error heartbeatTTL: heartbeatTTL 9999 ms is below 2 × heartbeatInterval (10000 ms)',
    ]);
  });

  it('warns below 3× and above 10×, and accepts exactly 2×, 3× and 10×', () => {
    expect(summaries({ heartbeatInterval: 5000, heartbeatTTL: 10000 })).toEqual([
      'warning heartbeatTTL: heartbeatTTL 10000 ms is below 3 × heartbeatInterval (15000 ms), the recommended minimum',
    ]);
    expect(summaries({ heartbeatInterval: 1000, heartbeatTTL: 10001 })).toEqual([
      'warning heartbeatTTL: heartbeatTTL 10001 ms is above 10 × heartbeatInterval (10000 ms)',
    ]);
    expect(summaries({ heartbeatInterval: 1000, heartbeatTTL: 3000 })).toEqual([]);
    expect(summaries({ heartbeatInterval: 1000, heartbeatTTL: 10000 })).toEqual([]);
  });

  it('rejects wrong types, non-positive timings and unknown keys', () => {
    expect(summaries({ heartbeatInterval: 0, maxRetries: 0, retryDelay: -1, pubSubEnabled: 'yes', pubSubChannel: '', colour: 'red' })).toEqual([
      'error colour: unknown discovery option "colour"',
      'error heartbeatInterval: must be a positive number of milliseconds, got 0',
      'error maxRetries: must be an integer ≥ 1, got 0',
      'error retryDelay: must be a number of milliseconds ≥ 0, got -1',
      'error pubSubEnabled: must be true or false, got "yes"',
      'error pubSubChannel: must be a non-empty string',
    ]);
  });

  it('requires a {hashtag} prefix on Redis Cluster and accepts one', () => {
    expect(summaries({}, true)).toEqual([
      'error redisPrefix: redisPrefix "titan:discovery" has no {hashtag}; on Redis Cluster the heartbeat script\'s keys would span slots',
    ]);
    expect(resolveDiscoveryOptions({}, { cluster: true }).diagnostics[0]?.detail).toContain('"{titan:discovery}"');
    expect(summaries({ redisPrefix: '{titan:discovery}' }, true)).toEqual([]);
    expect(summaries({ redisPrefix: 'app:{disco}:x' }, true)).toEqual([]);
  });

  it('warns about braces that do not form a hashtag', () => {
    expect(summaries({ redisPrefix: '{}titan' })).toEqual(['warning redisPrefix: redisPrefix "{}titan" has braces but no valid {hashtag}']);
  });

  it('warns that a cache without pub/sub only refreshes by age', () => {
    expect(summaries({ cache: true })).toEqual(['warning cache: cache without pubSubEnabled is refreshed only every cacheMaxAge']);
    expect(summaries({ cache: true, pubSubEnabled: true })).toEqual([]);
  });
});
