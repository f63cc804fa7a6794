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
