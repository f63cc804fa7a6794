import { describe, expect, it } from 'vitest';
import { computeBackoff } from './backoff.js';
import { RestartWindow } from './restart-window.js';
import type { BackoffSpec } from './types.js';

const spec = (over: Partial<BackoffSpec>): BackoffSpec => ({ type: 'exponential', initial: 1000, max: 30_000, factor: 2, ...over });

describe('computeBackoff', () => {
  it('exponential: initial·factor^(n−1), the Omnitron defaults give 1, 2, 4, 8, 16 s then the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => computeBackoff(n, spec({})))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect([1, 2, 3].map((n) => computeBackoff(n, spec({ initial: 100, factor: 3, max: 500 })))).toEqual([100, 300, 500]);
  });

  it('linear: initial + factor·(n−1)·initial', () => {
    expect([1, 2, 3, 4].map((n) => computeBackoff(n, spec({ type: 'linear', initial: 100, factor: 1, max: 1000 })))).toEqual([100, 200, 300, 400]);
    expect([1, 2, 3].map((n) => computeBackoff(n, spec({ type: 'linear', initial: 200, factor: 0.5, max: 1000 })))).toEqual([200, 300, 400]);
    expect(computeBackoff(50, spec({ type: 'linear', initial: 100, factor: 1, max: 1000 }))).toBe(1000);
  });

  it('fixed: always initial, still clamped to max', () => {
    expect([1, 2, 9].map((n) => computeBackoff(n, spec({ type: 'fixed', initial: 250 })))).toEqual([250, 250, 250]);
    expect(computeBackoff(1, spec({ type: 'fixed', initial: 5000, max: 1000 }))).toBe(1000);
  });

  it('clamps to [0, max] and treats attempts below 1 as the first', () => {
    expect(computeBackoff(0, spec({}))).toBe(1000);
    expect(computeBackoff(-3, spec({}))).toBe(1000);
    expect(computeBackoff(1, spec({ initial: -50 }))).toBe(0);
    expect(computeBackoff(2000, spec({}))).toBe(30_000);
    expect(computeBackoff(3, spec({ factor: Number.NaN }))).toBe(0);
  });
});

describe('RestartWindow', () => {
  it('allows maxRestarts inside the window, numbering attempts 1..n, then refuses', () => {
    let t = 0;
    const w = new RestartWindow(3, 1000, () => t);
    expect([w.take(), w.take(), w.take(), w.take()]).toEqual([1, 2, 3, undefined]);
    t = 1001;
    expect(w.recent()).toBe(0);
    expect(w.take()).toBe(1);
  });

  it('slides: old restarts leave the window one by one', () => {
    let t = 0;
    const w = new RestartWindow(2, 100, () => t);
    w.take();
    t = 60;
    w.take();
    expect(w.take()).toBeUndefined();
    t = 101;
    expect(w.take()).toBe(2);
  });

  it('maxRestarts 0 never restarts', () => {
    expect(new RestartWindow(0, 1000, () => 0).take()).toBeUndefined();
  });
});
