import { describe, expect, it } from 'vitest';
import { cycleMembers, shutdownBatches, type OrderNode } from './dependency-order.js';

const node = (name: string, dependsOn: string[] = [], priority = 0): OrderNode => ({ name, dependsOn, priority });

describe('shutdownBatches', () => {
  it('stops dependents before their dependencies', () => {
    expect(shutdownBatches([node('auth'), node('media', ['auth']), node('ledger', ['media'])])).toEqual([['ledger'], ['media'], ['auth']]);
  });

  it('orders free apps by priority, lower first, equal priorities together', () => {
    const nodes = [node('auth', [], 0), node('ledger', ['auth'], 15), node('realtime', ['auth'], -10), node('analytics', [], 15), node('media', ['auth'], 0)];
    expect(shutdownBatches(nodes)).toEqual([['realtime'], ['media'], ['ledger', 'analytics'], ['auth']]);
  });

  it('dependency beats priority: a dependency with the lowest priority still waits for its dependents', () => {
    expect(shutdownBatches([node('db', [], -100), node('api', ['db'], 50)])).toEqual([['api'], ['db']]);
  });

  it('ignores unknown dependencies and still stops everything on a cycle', () => {
    expect(shutdownBatches([node('a', ['ghost'])])).toEqual([['a']]);
    expect(shutdownBatches([node('a', ['b'], 1), node('b', ['a'], 2)]).flat().sort()).toEqual(['a', 'b']);
  });
});

describe('cycleMembers', () => {
  it('names each app on a cycle with the next app on it', () => {
    const found = cycleMembers([node('a', ['b']), node('b', ['c']), node('c', ['a']), node('d', ['a'])]);
    expect(Object.fromEntries(found)).toEqual({ a: 'b', b: 'c', c: 'a' });
  });

  it('finds self-dependencies and nothing in a DAG', () => {
    expect(Object.fromEntries(cycleMembers([node('a', ['a'])]))).toEqual({ a: 'a' });
    expect(cycleMembers([node('a'), node('b', ['a']), node('c', ['a', 'b'])]).size).toBe(0);
  });
});
