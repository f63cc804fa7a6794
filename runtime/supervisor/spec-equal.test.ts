import { describe, expect, it } from 'vitest';
import { specEqual } from './spec-equal.js';

describe('specEqual', () => {
  it('ignores key order and undefined keys, not array order or values', () => {
    expect(specEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(specEqual({ a: 1, health: undefined }, { a: 1 })).toBe(true);
    expect(specEqual({ argv: ['node', 'a'] }, { argv: ['a', 'node'] })).toBe(false);
    expect(specEqual({ env: { A: '1' } }, { env: { A: '2' } })).toBe(false);
    expect(specEqual({ env: {} }, { env: { A: '1' } })).toBe(false);
    expect(specEqual([1], { 0: 1 })).toBe(false);
    expect(specEqual(null, {})).toBe(false);
    expect(specEqual(Number.NaN, Number.NaN)).toBe(true);
  });
});
