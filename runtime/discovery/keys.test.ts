import { describe, expect, it } from 'vitest';
import { discoveryKeys, hashTag, nodeScriptKeys } from './keys.js';

describe('discoveryKeys', () => {
  it('builds the titan-discovery layout under the default prefix', () => {
    const k = discoveryKeys('titan:discovery');
    expect([k.node('n1'), k.heartbeat('n1'), k.index]).toEqual(['titan:discovery:nodes:n1', 'titan:discovery:heartbeat:n1', 'titan:discovery:index:nodes']);
    expect(nodeScriptKeys(k, 'n1')).toEqual(['titan:discovery:nodes:n1', 'titan:discovery:heartbeat:n1', 'titan:discovery:index:nodes']);
  });

  it('puts every key of a {hashtag} prefix under the same tag, whatever the node id', () => {
    const k = discoveryKeys('{titan:discovery}');
    const keys = [k.node('a{b}'), k.heartbeat('titan-1-2-x'), k.index];
    expect(keys).toEqual(['{titan:discovery}:nodes:a{b}', '{titan:discovery}:heartbeat:titan-1-2-x', '{titan:discovery}:index:nodes']);
    expect(keys.map(hashTag)).toEqual(['titan:discovery', 'titan:discovery', 'titan:discovery']);
  });
});

describe('hashTag', () => {
  it('follows Redis Cluster rules: first { to the next }, non-empty', () => {
    expect(hashTag('plain:key')).toBeUndefined();
    expect(hashTag('{}:x:{y}')).toBeUndefined();
    expect(hashTag('a{b')).toBeUndefined();
    expect(hashTag('x{a}{b}')).toBe('a');
    expect(hashTag('{{a}}')).toBe('{a');
  });
});
