import { describe, expect, it } from 'vitest';
import { encodeServices, hostsService, parseNodeHash, withService, withoutService } from './node-info.js';

describe('encodeServices', () => {
  it('writes {name, version} in that order and omits an absent version', () => {
    expect(encodeServices([{ name: 'Foo', version: '1.0.0' }, { name: 'bar' }, { version: '2', name: 'baz' }]))
      .toBe('[{"name":"Foo","version":"1.0.0"},{"name":"bar"},{"name":"baz","version":"2"}]');
    expect(encodeServices([])).toBe('[]');
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

  it('keeps a node whose services are valid JSON of another shape, hosting nothing', () => {
    expect(parseNodeHash('n1', { ...full, services: '{"name":"Foo"}' })).toMatchObject({ ok: true, node: { services: [] } });
    expect(parseNodeHash('n1', { ...full, services: '[{"name":"ok"},{"nope":1},{"name":"v","version":2}]' }))
      .toMatchObject({ ok: true, node: { services: [{ name: 'ok' }] } });
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

  it('adds, replaces and removes by name (and version)', () => {
    const two = withService(withService([], { name: 'users', version: '1' }), { name: 'users', version: '2' });
    expect(withService(two, { name: 'users', version: '1' })).toEqual([{ name: 'users', version: '2' }, { name: 'users', version: '1' }]);
    expect(withoutService(two, 'users', '1')).toEqual([{ name: 'users', version: '2' }]);
    expect(withoutService(two, 'users')).toEqual([]);
  });
});
