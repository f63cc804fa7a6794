import { describe, expect, it } from 'vitest';
import { compareText } from './compare-text.js';

describe('compareText', () => {
  it('orders by code unit whatever the locale: capitals first, equal strings tie', () => {
    expect(['b', 'B', 'a', 'é', 'A', 'a'].sort(compareText)).toEqual(['A', 'B', 'a', 'a', 'b', 'é']);
    expect(compareText('x', 'x')).toBe(0);
    expect(compareText('app-10', 'app-9')).toBeLessThan(0);
  });
});
