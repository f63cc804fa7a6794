import { describe, expect, it } from 'vitest';
import { encodeServices, hostsService, parseNodeHash, readNodeHash, withService, withoutService } from './node-info.js';

describe('encodeServices', () => {
  it('writes {name, version} in that order and omits an absent version', () => {
    expect(encodeServices([{ name: 'Foo', version: '1.0.0' }, { name: 'bar' }, { version: '2', name: 'baz' }]))
      .toBe('[{"name":"Foo","version":"1.0.0"},{"name":"bar"},{"name":"baz","version":"2"}]');
    expect(encodeServices([])).toBe('[]');
  });

  it('keeps extra fields and numeric versions, after name and version', () => {
    expect(encodeServices([{ weight: 5, name: 'users', version: '1.0.0' }, { name: 'auth', version: 2 }]))
      .toBe('[{"name":"users","version":"1.0.0","weight":5},{"name":"auth","version":2}]');
  });
});

describe('parseNodeHash (as titan-discovery readers judge a hash)', () => {
  const full = { address: '10.0.0.5:3000', services: '[{"name":"Foo","version":"1.0.0"}]', timestamp: '1700000000123' };

  it('reads a complete hash', () => {
    expect(parseNodeHash('n1', full)).toEqual({
      ok: true, node: { nodeId: 'n1', address: '10.0.0.5:3000', services: [{ name: 'Foo', version: '1.0.0' }], timestamp: 1700000000123 },
    });
  });

  it('rejects a missing hash, a missing field and services that are not JSON (real readers delete these)', () => {
    expect(parseNodeHash('n1', {})).toEqual({ ok: false, reason: 'node hash missing' });
    expect(parseNodeHash('n1', { address: full.address, timestamp: full.timestamp })).toEqual({ ok: false, reason: 'node hash lacks services' });
    expect(parseNodeHash('n1', { services: '[]' })).toEqual({ ok: false, reason: 'node hash lacks address, timestamp' });
    expect(parseNodeHash('n1', { ...full, services: '[{"name":' })).toEqual({ ok: false, reason: 'services is not valid JSON' });
  });

  it('rejects an empty address, services or timestamp, as real readers (they test the fields for truth)', () => {
    expect(parseNodeHash('n1', { ...full, address: '' })).toEqual({ ok: false, reason: 'node hash has an empty address' });
    expect(parseNodeHash('n1', { ...full, timestamp: '' })).toEqual({ ok: false, reason: 'node hash has an empty timestamp' });
    expect(parseNodeHash('n1', { ...full, services: '', timestamp: '' })).toEqual({ ok: false, reason: 'node hash has an empty services, timestamp' });
  });

  it('keeps a node whose services are valid JSON of another shape, hosting nothing', () => {
    expect(parseNodeHash('n1', { ...full, services: '{"name":"Foo"}' })).toMatchObject({ ok: true, node: { services: [] } });
  });

  it('keeps services whole: extra fields and numeric versions; drops only entries without a name', () => {
    expect(parseNodeHash('n1', { ...full, services: '[{"name":"ok"},{"nope":1},{"name":"v","version":2},{"name":"w","version":"1","weight":7}]' }))
      .toMatchObject({ ok: true, node: { services: [{ name: 'ok' }, { name: 'v', version: 2 }, { name: 'w', version: '1', weight: 7 }] } });
  });
});

describe('readNodeHash (as titan-discovery lookups read a hash)', () => {
  it('needs only a non-empty address', () => {
    expect(readNodeHash('n1', {})).toBeNull();
    expect(readNodeHash('n1', { address: '', services: '[]', timestamp: '1' })).toBeNull();
    expect(readNodeHash('n1', { address: 'h:1' })).toEqual({ nodeId: 'n1', address: 'h:1', services: [], timestamp: 0 });
  });

  it('reads services [] when they are not JSON, and a timestamp as parseInt does', () => {
    expect(readNodeHash('n1', { address: 'h:1', services: '[{"name":', timestamp: '' })).toEqual({ nodeId: 'n1', address: 'h:1', services: [], timestamp: 0 });
    expect(readNodeHash('n1', { address: 'h:1', services: '[{"name":"a","version":1}]', timestamp: '1700000000123' }))
      .toEqual({ nodeId: 'n1', address: 'h:1', services: [{ name: 'a', version: 1 }], timestamp: 1700000000123 });
    expect(readNodeHash('n1', { address: 'h:1', timestamp: '12abc' })?.timestamp).toBe(12);
    expect(readNodeHash('n1', { address: 'h:1', timestamp: 'abc' })?.timestamp).toBeNaN();
  });
});

describe('service lists', () => {
  const node = { nodeId: 'n', address: 'h:1', timestamp: 1, services: [{ name: 'users', version: '1.0.0' }, { name: 'auth' }] };

  it('matches versions exactly, or any version when none is asked for', () => {
    expect(hostsService(node, 'users')).toBe(true);
    expect(hostsService(node, 'users', '1.0.0')).toBe(true);
    expect(hostsService(node, 'users', '1.0')).toBe(false);
    expect(hostsService(node, 'auth', '1.0.0')).toBe(false);
    expect(hostsService(node, 'nope')).toBe(false);
  });

  it("takes '' for any version, as titan-discovery's findNodesByService", () => {
    expect(hostsService(node, 'users', '')).toBe(true);
    expect(hostsService(node, 'auth', '')).toBe(true);
  });

  it('never matches a numeric version with a string (an exact comparison, as the real one)', () => {
    const numeric = { ...node, services: [{ name: 'users', version: 2 }] };
    expect(hostsService(numeric, 'users', '2')).toBe(false);
    expect(hostsService(numeric, 'users')).toBe(true);
  });

  it('adds, replaces and removes by name (and version)', () => {
    const two = withService(withService([], { name: 'users', version: '1' }), { name: 'users', version: '2' });
    expect(withService(two, { name: 'users', version: '1' })).toEqual([{ name: 'users', version: '2' }, { name: 'users', version: '1' }]);
    expect(withoutService(two, 'users', '1')).toEqual([{ name: 'users', version: '2' }]);
    expect(withoutService(two, 'users')).toEqual([]);
  });
});
