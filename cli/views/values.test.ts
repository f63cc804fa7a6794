import { describe, expect, it } from 'vitest';
import { UNKNOWN } from '../../planner/expr.js';
import { formatDuration, formatValue, hasUnknown, isUnknown } from './values.js';

describe('isUnknown / hasUnknown', () => {
  it('recognises the symbol and the JSON marker', () => {
    expect(isUnknown(UNKNOWN)).toBe(true);
    expect(isUnknown({ $unknown: true })).toBe(true);
  });
  it('does not mistake ordinary objects for the marker', () => {
    expect(isUnknown({ $unknown: true, other: 1 })).toBe(false);
    expect(isUnknown({ $unknown: 'yes' })).toBe(false);
    expect(isUnknown(null)).toBe(false);
  });
  it('finds unknowns nested in arrays and objects', () => {
    expect(hasUnknown([{ port: { $unknown: true } }])).toBe(true);
    expect(hasUnknown({ a: [1, UNKNOWN] })).toBe(true);
    expect(hasUnknown({ a: [1, 2] })).toBe(false);
  });
});

describe('formatValue', () => {
  it('quotes strings as JSON and prints arrays and objects compactly', () => {
    expect(formatValue('a "b"')).toBe('"a \\"b\\""');
    expect(formatValue(['x', 1, true, null])).toBe('["x",1,true,null]');
    expect(formatValue({ a: { b: 1 } })).toBe('{"a":{"b":1}}');
  });
  it('shows unknowns, even nested, as (known after apply)', () => {
    expect(formatValue(UNKNOWN)).toBe('(known after apply)');
    expect(formatValue([{ hostPort: UNKNOWN }])).toBe('[{"hostPort":(known after apply)}]');
    expect(formatValue({ $unknown: true })).toBe('(known after apply)');
  });
});

describe('formatDuration', () => {
  it('truncates to seconds the way Terraform prints durations', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(999)).toBe('0s');
    expect(formatDuration(3_400)).toBe('3s');
    expect(formatDuration(65_000)).toBe('1m5s');
    expect(formatDuration(3_603_000)).toBe('1h0m3s');
  });
});
