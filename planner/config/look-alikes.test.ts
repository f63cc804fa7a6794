import { describe, expect, it } from 'vitest';
import { describeChar, foldLookAlikes, oddCharacters } from './look-alikes.js';

describe('look-alikes', () => {
  it('folds Cyrillic, Greek, accented and full-width letters to ASCII and drops invisible ones', () => {
    expect(foldLookAlikes('\u0430uth')).toBe('auth');
    expect(foldLookAlikes('\u03bfrders')).toBe('orders');
    expect(foldLookAlikes('caf\u00e9')).toBe('cafe');
    expect(foldLookAlikes('\uff41pi')).toBe('api');
    expect(foldLookAlikes('api\u200b')).toBe('api');
  });
  it('describes a character by code point and what it imitates', () => {
    expect(describeChar('\u0430')).toBe('"а" is U+0430, a Cyrillic letter that looks like "a"');
    expect(describeChar('\u00e9')).toBe('"é" is U+00E9, a Latin letter that looks like "e"');
    expect(describeChar('\u200b')).toBe('U+200B is invisible');
    expect(describeChar('\u00a0')).toBe('U+00A0 is a non-ASCII space');
    expect(describeChar('\t')).toBe('U+0009 is a control character');
    expect(describeChar('\u4e2d')).toBe('"中" is U+4E2D, not ASCII');
  });
  it('lists each odd character once, at most three', () => {
    expect(oddCharacters('plain-name')).toBe('');
    expect(oddCharacters('\u0430\u0430')).toBe('"а" is U+0430, a Cyrillic letter that looks like "a"');
    expect(oddCharacters('\u0430\u0435\u043e\u0440\u0441')).toMatch(/; and 2 more$/);
  });
});
