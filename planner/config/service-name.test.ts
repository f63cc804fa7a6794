import { describe, expect, it } from 'vitest';
import { checkName } from './service-name.js';

describe('checkName', () => {
  it('accepts Docker-safe names', () => {
    for (const ok of ['postgres', 'search-1', 'a.b_c', '9lives']) expect(checkName('service', ok, {})).toEqual([]);
  });
  it('rejects slashes, spaces and leading punctuation', () => {
    for (const bad of ['a/b', 'my svc', '-x', '.x', '']) expect(checkName('service', bad, { path: 'p' })[0]).toMatchObject({ severity: 'error', path: 'p', summary: `invalid service name ${JSON.stringify(bad)}` });
  });
});

describe('checkName: look-alikes and lengths', () => {
  it('names a non-ASCII look-alike by its code point and suggests the ASCII name', () => {
    expect(checkName('app', '\u0430uth', { path: 'p' })[0].summary).toBe('invalid app name "аuth": "а" is U+0430, a Cyrillic letter that looks like "a" (did you mean "auth"?)');
  });
  it('names control characters', () => {
    expect(checkName('node', 'db\n1', {})[0].summary).toBe('invalid node name "db\\n1": U+000A is a control character');
  });
  it('keeps names within what they end up in', () => {
    expect(checkName('service', 's'.repeat(63), {})).toEqual([]);
    expect(checkName('service', 's'.repeat(64), {})[0]).toMatchObject({ severity: 'error', summary: expect.stringContaining('is 64 bytes long, more than 63') });
    expect(checkName('app', 'a'.repeat(251), {})).toEqual([]);
    expect(checkName('app', 'a'.repeat(252), {})[0].detail).toBe('shorten it: its env file is <app>.env, and a file name is at most 255 bytes');
  });
});
