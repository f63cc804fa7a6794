import { describe, expect, it } from 'vitest';
import { Limiter } from './limiter.js';

describe('Limiter', () => {
  it('runs at most `limit` tasks at once, in order, and frees a slot when a task fails', async () => {
    const limiter = new Limiter(2);
    const started: number[] = [];
    let active = 0;
    let peak = 0;
    const task = (i: number) => limiter.run(async () => {
      started.push(i);
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      if (i === 1) throw new Error('boom');
      return i;
    });
    const results = await Promise.allSettled([0, 1, 2, 3, 4].map(task));
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
  });

  it('rejects a limit below one', () => {
    expect(() => new Limiter(0)).toThrow(/positive integer/);
  });
});
