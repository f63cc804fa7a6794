import { describe, expect, it } from 'vitest';
import { canonicalSize, formatBytes, parseBytes } from './sizes.js';

describe('sizes', () => {
  it('parses docker-style sizes with binary multiples', () => {
    expect(parseBytes('512m')).toBe(512 * 1024 ** 2);
    expect(parseBytes('1G')).toBe(1024 ** 3);
    expect(parseBytes('64mb')).toBe(64 * 1024 ** 2);
    expect(parseBytes('1.5g')).toBe(1.5 * 1024 ** 3);
    expect(parseBytes('2048')).toBe(2048);
    expect(parseBytes('lots')).toBeUndefined();
  });

  it('formats in the largest exact unit', () => {
    expect(formatBytes(536870912)).toBe('512m');
    expect(formatBytes(1024 ** 3)).toBe('1g');
    expect(formatBytes(1536 * 1024 ** 2)).toBe('1536m');
    expect(formatBytes(1000)).toBe('1000b');
  });

  it('makes equal sizes compare equal', () => {
    expect(canonicalSize('1G')).toBe(canonicalSize('1024m'));
    expect(canonicalSize('weird')).toBe('weird');
  });
});
