import { describe, expect, it } from 'vitest';
import { encodeEvent, parseEvent } from './events.js';

const body = { nodeId: 'n1', address: '10.0.0.5:3000', services: [{ name: 'Foo', version: '1.0.0' }, { name: 'Bar' }], timestamp: 1700000000123 };

describe('event encoding', () => {
  it('is {type, nodeId, address, services, timestamp} in that order, with a numeric timestamp', () => {
    expect(encodeEvent('NODE_REGISTERED', body)).toBe(
      '{"type":"NODE_REGISTERED","nodeId":"n1","address":"10.0.0.5:3000","services":[{"name":"Foo","version":"1.0.0"},{"name":"Bar"}],"timestamp":1700000000123}',
    );
  });

  it('keeps extra service fields and numeric versions, after name and version', () => {
    const services = [{ weight: 3, name: 'users', version: 2 }, { name: 'auth', version: '1.0.0', zone: 'eu' }];
    const text = encodeEvent('NODE_UPDATED', { ...body, services });
    expect(text).toContain('"services":[{"name":"users","version":2,"weight":3},{"name":"auth","version":"1.0.0","zone":"eu"}]');
    expect(parseEvent(text)?.services).toEqual(services);
  });

  it('escapes odd ids and addresses', () => {
    const odd = { ...body, nodeId: 'a"b\\c', address: '[::1]:3000' };
    expect(parseEvent(encodeEvent('NODE_DEREGISTERED', odd))).toEqual({ type: 'NODE_DEREGISTERED', ...odd });
  });
});

describe('parseEvent', () => {
  it('reads events real titan-discovery publishes', () => {
    expect(parseEvent('{"type":"NODE_UPDATED","nodeId":"titan-1-2-x","address":"h:1","services":[],"timestamp":5}'))
      .toEqual({ type: 'NODE_UPDATED', nodeId: 'titan-1-2-x', address: 'h:1', services: [], timestamp: 5 });
  });

  it('ignores anything else on the channel', () => {
    for (const text of ['nope', 'null', '[]', '{"type":"NODE_GONE","nodeId":"n","address":"h:1","timestamp":1}',
      '{"type":"NODE_UPDATED","address":"h:1","timestamp":1}', '{"type":"NODE_UPDATED","nodeId":"n","address":"h:1","timestamp":"x"}']) {
      expect(parseEvent(text), text).toBeUndefined();
    }
  });
});
