import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, listOf, quotedList, suggestion } from './did-you-mean.js';

describe('editDistance', () => {
  it('counts a transposition as one edit', () => {
    expect(editDistance('auht', 'auth')).toBe(1);
  });
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('didYouMean', () => {
  it('suggests the closest name within reach', () => {
    expect(didYouMean('auht', ['media', 'auth', 'ledger'])).toBe('auth');
    expect(didYouMean('dependOn', ['dependsOn', 'enabled'])).toBe('dependsOn');
  });
  it('ignores case when comparing but returns the candidate as spelled', () => {
    expect(didYouMean('Auth', ['auth'])).toBe('auth');
  });
  it('says nothing when no candidate is close or the name is exact', () => {
    expect(didYouMean('billing', ['auth', 'media'])).toBeUndefined();
    expect(didYouMean('auth', ['auth'])).toBeUndefined();
  });
  it('keeps short names to one edit', () => {
    expect(didYouMean('ab', ['xy'])).toBeUndefined();
    expect(didYouMean('db', ['dc'])).toBe('dc');
  });
});

describe('rendering helpers', () => {
  it('formats a suggestion suffix', () => {
    expect(suggestion('serach', ['search'])).toBe(' (did you mean "search"?)');
    expect(suggestion('zzz', ['search'])).toBe('');
  });
  it('lists names with a joiner', () => {
    expect(quotedList(['a', 'b', 'c'])).toBe('"a", "b" and "c"');
    expect(quotedList(['a', 'b'], 'or')).toBe('"a" or "b"');
    expect(quotedList([])).toBe('(none)');
    expect(listOf(['x'])).toBe('x');
  });
});

describe('look-alike names', () => {
  it('finds the ASCII name behind a look-alike and names the odd letter', () => {
    expect(suggestion('\u0430uth', ['auth', 'media'])).toBe(' (did you mean "auth"? "а" is U+0430, a Cyrillic letter that looks like "a")');
    expect(suggestion('\u4e2d', ['auth'])).toBe(' ("中" is U+4E2D, not ASCII)');
  });
});
