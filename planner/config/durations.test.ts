import { describe, expect, it } from 'vitest';
import { isDuration, isSize, parseDuration, toMs } from './durations.js';

describe('parseDuration', () => {
  it('reads the units real configs use', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1m')).toBe(60_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1.5s')).toBe(1_500);
  });
  it('takes numbers as milliseconds', () => {
    expect(parseDuration(90_000)).toBe(90_000);
  });
  it('rejects other shapes', () => {
    for (const bad of ['30 secs', '30', 's', '-1s', -5, Number.NaN, null, true, {}]) expect(parseDuration(bad)).toBeUndefined();
    expect(isDuration('soon')).toBe(false);
  });
  it('toMs throws on unchecked input', () => {
    expect(() => toMs('nope')).toThrow(/internal/);
  });
});

describe('isSize', () => {
  it('accepts docker and log-rotation sizes', () => {
    for (const ok of ['256m', '50mb', '1G', '1gb', '512', '1.5g']) expect(isSize(ok)).toBe(true);
  });
  it('rejects prose and numbers', () => {
    for (const bad of ['50 megs', 'big', '', 256]) expect(isSize(bad)).toBe(false);
  });
});
