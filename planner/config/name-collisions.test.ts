import { describe, expect, it } from 'vitest';
import { address } from '../desired/addresses.js';
import { addressForm, collisions, inAddresses } from './name-collisions.js';

describe('name collisions', () => {
  it('writes names the way resource addresses do', () => {
    for (const name of ['api.v1', 'api_v1', 'a.b.c', 'plain']) expect(`t.${addressForm(name)}`).toBe(address('t', name));
  });
  it('reports a name whose form an earlier, different name already has', () => {
    const items = ['api.v1', 'api.v1', 'api_v1', 'other'].map((name, i) => ({ name, label: `apps[${i}]`, where: { path: `apps[${i}].name` } }));
    expect(collisions('app', items, addressForm, inAddresses('env_file'))).toEqual([{
      severity: 'error', summary: 'app name "api_v1" collides with "api.v1" (apps[0]): resource addresses write both as "api_v1" (env_file.api_v1)',
      detail: 'rename one of them', path: 'apps[2].name',
    }]);
  });
});
