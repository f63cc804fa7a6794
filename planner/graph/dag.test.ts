import { describe, expect, it } from 'vitest';
import { CycleError, findCycle, topoOrder, walk } from './dag.js';

const graph = (edges: Record<string, string[]>) => (n: string) => edges[n] ?? [];

describe('findCycle', () => {
  it('returns null for a DAG', () => {
    expect(findCycle(['a', 'b', 'c'], graph({ b: ['a'], c: ['a', 'b'] }))).toBeNull();
  });
  it('names the cycle path back to its start', () => {
    expect(findCycle(['a', 'b', 'c'], graph({ a: ['b'], b: ['c'], c: ['a'] }))).toEqual(['a', 'b', 'c', 'a']);
  });
  it('finds a self-loop', () => {
    expect(findCycle(['a'], graph({ a: ['a'] }))).toEqual(['a', 'a']);
  });
  it('ignores unknown dependencies', () => {
    expect(findCycle(['a'], graph({ a: ['ghost'] }))).toBeNull();
  });
});

describe('topoOrder', () => {
  it('puts dependencies first and keeps input order for ties', () => {
    expect(topoOrder(['media', 'auth', 'ledger'], graph({ media: ['auth'], ledger: ['auth'] }))).toEqual(['auth', 'media', 'ledger']);
  });
  it('throws a CycleError carrying the cycle', () => {
    expect(() => topoOrder(['a', 'b'], graph({ a: ['b'], b: ['a'] }))).toThrow(CycleError);
  });
});

describe('walk', () => {
  it('never runs a node before its dependencies and respects the parallelism bound', async () => {
    const deps = graph({ b: ['a'], c: ['a'], d: ['b', 'c'] });
    const done: string[] = [];
    let running = 0;
    let peak = 0;
    await walk(['a', 'b', 'c', 'd', 'e'], deps, async (n) => {
      running++; peak = Math.max(peak, running);
      for (const dep of deps(n)) expect(done).toContain(dep);
      await new Promise((r) => setTimeout(r, 5));
      done.push(n); running--;
    }, { parallelism: 2 });
    expect(done).toHaveLength(5);
    expect(peak).toBe(2);
  });

  it('skips everything downstream of a failure once, and finishes independent branches', async () => {
    const result = await walk(['db', 'app', 'worker', 'cache'], graph({ app: ['db'], worker: ['app'] }), async (n) => {
      if (n === 'db') throw new Error('boom');
    });
    expect([...result.failed.keys()]).toEqual(['db']);
    expect(Object.fromEntries(result.skipped)).toEqual({ app: 'db', worker: 'db' });
    expect(result.completed).toEqual(['cache']);
  });

  it('walks dependents first in reverse mode', async () => {
    const order: string[] = [];
    await walk(['db', 'app', 'worker'], graph({ app: ['db'], worker: ['app'] }), async (n) => { order.push(n); }, { reverse: true, parallelism: 1 });
    expect(order).toEqual(['worker', 'app', 'db']);
  });

  it('starts nothing new after abort', async () => {
    const ac = new AbortController();
    const result = await walk(['a', 'b', 'c'], graph({ b: ['a'], c: ['b'] }), async (n) => { if (n === 'a') ac.abort(); }, { signal: ac.signal });
    expect(result.completed).toEqual(['a']);
    expect(result.notStarted).toEqual(['b', 'c']);
  });
});
