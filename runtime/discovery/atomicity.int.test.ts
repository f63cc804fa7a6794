/**
 * Atomicity against a real Redis: an observer that looks at the whole registry in one atomic step never
 * finds a half-registered node while clients register, update and deregister concurrently, and the
 * same observer does find one when a writer sends the commands one by one (so it can see them).
 */
import { describe, expect, it } from 'vitest';
import { discoveryKeys } from './keys.js';
import { type LogEntry, useRedisBed } from '../../test/support/discovery/discovery-bed.js';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

const redis = useRedisBed();

describe('atomicity', () => {
  /** One atomic look at the whole registry; returns every way it is not all-or-nothing. */
  const OBSERVE = `
    local prefix = ARGV[1]
    local problems = {}
    local indexed = {}
    for _, id in ipairs(redis.call('SMEMBERS', prefix .. ':index:nodes')) do
      indexed[id] = true
      local f = redis.call('HMGET', prefix .. ':nodes:' .. id, 'address', 'services', 'timestamp')
      if redis.call('EXISTS', prefix .. ':heartbeat:' .. id) == 0 then table.insert(problems, id .. ': indexed without heartbeat') end
      if not (f[1] and f[2] and f[3]) then table.insert(problems, id .. ': incomplete hash')
      else
        local n = string.match(f[1], ':(%d+)$')
        if not string.find(f[2], '"version":"' .. n .. '"', 1, true) then table.insert(problems, id .. ': address and services from different heartbeats') end
      end
    end
    for _, kind in ipairs({'heartbeat', 'nodes'}) do
      for _, key in ipairs(redis.call('KEYS', prefix .. ':' .. kind .. ':*')) do
        local id = string.sub(key, string.len(prefix .. ':' .. kind .. ':') + 1)
        if not indexed[id] then table.insert(problems, id .. ': ' .. kind .. ' key without index entry') end
      end
    end
    return problems`;

  async function observeWhile(p: string, work: Promise<unknown>): Promise<{ problems: string[]; looks: number }> {
    const observer = redis.bed.connect();
    const problems: string[] = [];
    let done = false;
    let looks = 0;
    void work.finally(() => { done = true; });
    while (!done) {
      problems.push(...(await observer.eval(OBSERVE, 0, p) as string[]));
      looks++;
    }
    await work;
    return { problems, looks };
  }

  it('no reader sees a half-registered node while four clients register, update and deregister concurrently', async () => {
    const p = redis.bed.prefix();
    const writerLogs: LogEntry[] = [];
    const writers = [0, 1, 2, 3].map(() => redis.bed.client({ redisPrefix: p, heartbeatInterval: 60_000, heartbeatTTL: 180_000 }, writerLogs));
    const readerLogs: LogEntry[] = [];
    const reader = redis.bed.client({ redisPrefix: p }, readerLogs);
    const torn: string[] = [];
    let reads = 0;
    const write = Promise.all(writers.map(async (d, w) => {
      for (let n = 1; n <= 300; n++) {
        // A new id every 100 beats: registerNode deregisters the previous one first.
        await d.registerNode(`w${w}-${Math.ceil(n / 100)}`, `10.0.${w}.1:${n}`, [{ name: 'svc', version: String(n) }]);
      }
    }));
    const read = (async () => {
      let finished = false;
      void write.finally(() => { finished = true; });
      while (!finished) {
        for (const node of await reader.getActiveNodes()) {
          if (node.address.split(':')[1] !== node.services[0]?.version) torn.push(`${node.nodeId} ${node.address} ${JSON.stringify(node.services)}`);
        }
        reads++;
      }
    })();
    const { problems, looks } = await observeWhile(p, Promise.all([write, read]));
    expect(problems).toEqual([]);
    expect(torn).toEqual([]);
    expect(looks).toBeGreaterThan(50);
    expect(reads).toBeGreaterThan(20);
    expect(readerLogs.filter((l) => l.msg === 'removed inactive node')).toEqual([]);
    expect(writerLogs.filter((l) => l.level !== 'info')).toEqual([]);
    expect((await reader.getActiveNodes()).map((n) => `${n.nodeId} ${n.address}`)).toEqual(['w0-3 10.0.0.1:300', 'w1-3 10.0.1.1:300', 'w2-3 10.0.2.1:300', 'w3-3 10.0.3.1:300']);
  });

  it('the same observer does catch a writer that sends the commands one by one', async () => {
    const p = redis.bed.prefix();
    const k = discoveryKeys(p);
    const naive = redis.bed.connect();
    const write = (async () => {
      for (let n = 1; n <= 150; n++) {
        const id = `naive-${n % 3}`;
        await naive.hset(k.node(id), 'address', `10.0.9.1:${n}`);
        await naive.hset(k.node(id), 'services', `[{"name":"svc","version":"${n}"}]`);
        await naive.hset(k.node(id), 'timestamp', String(n));
        await naive.set(k.heartbeat(id), String(n), 'PX', 60_000);
        await naive.sadd(k.index, id);
      }
    })();
    const { problems } = await observeWhile(p, write);
    expect(problems.length).toBeGreaterThan(0);
  });
});
