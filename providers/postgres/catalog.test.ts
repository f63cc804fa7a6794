import { describe, expect, it } from 'vitest';
import { databaseRows, mapRows, markPasswordDrift, roleRows } from './catalog.js';
import { stampComment } from './ownership.js';
import { scramVerifier } from './scram.js';

const scope = { project: 'shop', stack: 'dev', lineage: 'L1' };
const stamp = (address: string, hash = 'h1') => stampComment({ ...scope, address, hash });

describe('mapRows', () => {
  it('finds stamped objects by comment, including orphans', () => {
    const rows = roleRows([
      { name: 'api', login: true, comment: stamp('postgres_role.api') },
      { name: 'old', login: true, comment: stamp('postgres_role.old', 'h9') },
    ]);
    const found = mapRows('postgres_role', rows, [{ address: 'postgres_role.api', type: 'postgres_role', name: 'api', desired: true }], scope);
    expect([...found.values()]).toEqual([
      { address: 'postgres_role.api', type: 'postgres_role', id: 'api', attributes: { name: 'api', login: true }, hash: 'h1', owner: { kind: 'this' } },
      { address: 'postgres_role.old', type: 'postgres_role', id: 'old', attributes: { name: 'old', login: true }, hash: 'h9', owner: { kind: 'this' } },
    ]);
  });

  it('finds an unstamped object only by a wanted name, saying whose it is', () => {
    const rows = databaseRows([
      { name: 'api', owner: 'postgres', comment: null },
      { name: 'web', owner: 'web', comment: stampComment({ project: 'shop', stack: 'prod', lineage: 'L9', address: 'postgres_database.web', hash: 'x' }) },
      { name: 'other', owner: 'postgres', comment: 'someone else' },
    ]);
    const targets = [
      { address: 'postgres_database.api', type: 'postgres_database', name: 'api', desired: true },
      { address: 'postgres_database.web', type: 'postgres_database', name: 'web', desired: true },
    ];
    const found = mapRows('postgres_database', rows, targets, scope);
    expect(found.get('postgres_database.api')).toEqual({
      address: 'postgres_database.api', type: 'postgres_database', id: 'api',
      attributes: { name: 'api', owner: 'postgres' }, notes: ['no omnitron ownership comment'], owner: { kind: 'none' },
    });
    expect(found.get('postgres_database.web')?.notes).toEqual(['stamped by omnitron for shop/prod as postgres_database.web']);
    expect(found.get('postgres_database.web')?.owner).toEqual({ kind: 'other', who: 'omnitron project "shop", stack "prod", state lineage L9' });
    expect(found.size).toBe(2);
  });

  it('never matches something only state remembers to another stack\'s object', () => {
    const rows = roleRows([
      { name: 'web', login: true, comment: stampComment({ project: 'shop', stack: 'prod', lineage: 'L9', address: 'postgres_role.web', hash: 'x' }) },
      { name: 'old', login: true, comment: null },
    ]);
    const targets = [
      { address: 'postgres_role.web', type: 'postgres_role', name: 'web', desired: false },
      { address: 'postgres_role.old', type: 'postgres_role', name: 'old', desired: false },
    ];
    const found = mapRows('postgres_role', rows, targets, scope);
    expect([...found.keys()]).toEqual(['postgres_role.old']);
  });

  it('maps this stack\'s stamps of another lineage by address, owned by that state', () => {
    const rows = roleRows([{ name: 'api', login: true, comment: stampComment({ ...scope, lineage: 'L2', address: 'postgres_role.api', hash: 'h' }) }]);
    const found = mapRows('postgres_role', rows, [{ address: 'postgres_role.api', type: 'postgres_role', name: 'api', desired: true }], scope);
    expect(found.get('postgres_role.api')?.owner).toEqual({ kind: 'other', who: 'omnitron project "shop", stack "dev", state lineage L2' });
  });

  it('prefers the stamped object when config renamed it', () => {
    const rows = roleRows([
      { name: 'api', login: true, comment: stamp('postgres_role.api') },
      { name: 'api2', login: true, comment: null },
    ]);
    const found = mapRows('postgres_role', rows, [{ address: 'postgres_role.api', type: 'postgres_role', name: 'api2', desired: true }], scope);
    expect(found.get('postgres_role.api')?.id).toBe('api');
    expect(found.size).toBe(1);
  });
});

describe('markPasswordDrift', () => {
  const observed = () => mapRows('postgres_role', roleRows([{ name: 'api', login: true, comment: stamp('postgres_role.api') }]), [], scope);
  const target = { address: 'postgres_role.api', type: 'postgres_role', name: 'api', desired: true, password: 'state-pw' };

  it('leaves a role alone when state still holds its password', async () => {
    const roles = observed();
    await markPasswordDrift(roles, [target], [{ name: 'api', verifier: scramVerifier('state-pw') }], 'password-mismatch');
    expect(roles.get('postgres_role.api')?.status).toBeUndefined();
  });

  it('flags a changed or removed password', async () => {
    for (const verifier of [scramVerifier('changed'), null]) {
      const roles = observed();
      await markPasswordDrift(roles, [target], [{ name: 'api', verifier }], 'password-mismatch');
      expect(roles.get('postgres_role.api')).toMatchObject({ status: 'password-mismatch', notes: ['password differs from state'] });
    }
  });

  it('cannot judge md5 verifiers', async () => {
    const roles = observed();
    await markPasswordDrift(roles, [target], [{ name: 'api', verifier: 'md5abc' }], 'password-mismatch');
    expect(roles.get('postgres_role.api')?.status).toBeUndefined();
  });
});
