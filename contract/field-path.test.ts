import { describe, expect, it } from 'vitest';
import { describeValue, formatPath, valueAt } from './field-path.js';

describe('formatPath', () => {
  it('uses dots for plain keys and brackets for indices', () => {
    expect(formatPath(['apps', 2, 'dependsOn', 0])).toBe('apps[2].dependsOn[0]');
    expect(formatPath(['stacks', 'my-stack', 'type'])).toBe('stacks.my-stack.type');
  });
  it('quotes keys that are not identifiers', () => {
    expect(formatPath(['serviceOverrides', 'media/search'])).toBe('serviceOverrides["media/search"]');
    expect(formatPath(['environment', 'discovery.type'])).toBe('environment["discovery.type"]');
  });
  it('is empty for the root', () => {
    expect(formatPath([])).toBe('');
  });
});

describe('valueAt / describeValue', () => {
  it('walks raw input', () => {
    expect(valueAt({ a: [{ b: 3 }] }, ['a', 0, 'b'])).toBe(3);
    expect(valueAt({ a: 1 }, ['a', 'b'])).toBeUndefined();
  });
  it('describes values for messages', () => {
    expect(describeValue('x')).toBe('"x"');
    expect(describeValue(70000)).toBe('70000');
    expect(describeValue([])).toBe('an array');
    expect(describeValue({})).toBe('an object');
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue('y'.repeat(80))).toMatch(/\.\.\.$/);
  });
  it('prints NaN and infinities as themselves, not as JSON null', () => {
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue(-Infinity)).toBe('-Infinity');
    expect(describeValue(null)).toBe('null');
  });
});
