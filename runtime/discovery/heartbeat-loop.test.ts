import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HeartbeatLoop, retryDelayFor } from './heartbeat-loop.js';
import type { DiscoveryLog } from './log.js';

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

function setup(outcomes: boolean[], overrides: { interval?: number } = {}) {
  const calls: number[] = [];
  const logs: Array<Parameters<DiscoveryLog>[0]> = [];
  let i = 0;
  const loop = new HeartbeatLoop({
    interval: overrides.interval ?? 5000, maxRetries: 3, retryDelay: 1000, attemptTimeout: 5000, log: (e) => { logs.push(e); },
    beat: async () => { calls.push(Date.now()); if (!(outcomes[i++] ?? true)) throw new Error('ECONNREFUSED'); },
  });
  return { loop, calls, logs, t0: Date.now() };
}

describe('retryDelayFor', () => {
  it('is retryDelay × 2^(attempt−1)', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayFor(a, 1000))).toEqual([1000, 2000, 4000, 8000]);
  });
});

describe('HeartbeatLoop', () => {
  it('beats at once, then every interval', async () => {
    const t = setup([]);
    expect(await t.loop.start()).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.calls.map((c) => c - t.t0)).toEqual([0, 5000, 10000]);
    await t.loop.stop();
  });

  it('retries after 1 s and 2 s, logs each failure, then waits for the next tick', async () => {
    const t = setup([false, false, false, true]);
    const first = t.loop.start();
    await vi.advanceTimersByTimeAsync(3000);
    expect(await first).toBe(false);
    expect(t.calls.map((c) => c - t.t0)).toEqual([0, 1000, 3000]);
    expect(t.logs.map((l) => [l.msg, l.attempt, l.delayMs])).toEqual([
      ['heartbeat failed; retrying', 1, 1000], ['heartbeat failed; retrying', 2, 2000], ['heartbeat failed; next try at the next interval', 3, undefined],
    ]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.calls.map((c) => c - t.t0)).toEqual([0, 1000, 3000, 5000]);
    expect(t.logs.at(-1)).toMatchObject({ level: 'info', msg: 'heartbeat recovered' });
    await t.loop.stop();
  });

  it('never overlaps beats: ticks during a retry are skipped', async () => {
    const t = setup([false, false, true], { interval: 1400 });
    void t.loop.start();
    await vi.advanceTimersByTimeAsync(2999);
    expect(t.calls.map((c) => c - t.t0)).toEqual([0, 1000]);
    await vi.advanceTimersByTimeAsync(1201);
    expect(t.calls.map((c) => c - t.t0)).toEqual([0, 1000, 3000, 4200]);
    await t.loop.stop();
  });

  it('a change during a beat runs one more beat after it', async () => {
    const t = setup([false, true, true]);
    void t.loop.start();
    const changed = t.loop.trigger();
    await vi.advanceTimersByTimeAsync(1000);
    expect(await changed).toBe(true);
    expect(t.calls.map((c) => c - t.t0)).toEqual([0, 1000, 1000]);
    await t.loop.stop();
  });

  it('stop cuts a retry wait short and nothing beats afterwards', async () => {
    const t = setup([false]);
    const first = t.loop.start();
    await vi.advanceTimersByTimeAsync(10);
    await t.loop.stop();
    expect(await first).toBe(false);
    expect(await t.loop.trigger()).toBe(false);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(t.calls).toHaveLength(1);
  });

  it('times out an attempt that never answers', async () => {
    const logs: string[] = [];
    const loop = new HeartbeatLoop({ interval: 5000, maxRetries: 1, retryDelay: 0, attemptTimeout: 500, log: (e) => { logs.push(String(e.error)); }, beat: () => new Promise(() => {}) });
    const first = loop.start();
    await vi.advanceTimersByTimeAsync(500);
    expect(await first).toBe(false);
    expect(logs).toEqual(['no answer within 500 ms']);
    await loop.stop();
  });
});
