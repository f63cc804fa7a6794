import { describe, expect, it } from 'vitest';
import { JWT_SECRET } from '../desired/app-wiring.js';
import { POSTGRES_SUPERUSER_SECRET, REDIS_SECRET } from '../desired/docker-service.js';
import { RESERVED_SECRET_KEYS, checkSecretKeys } from './secret-keys.js';

const ctx = { file: '/p/omnitron.config.ts', root: '/p', prefix: ['infrastructure', 'services', 'search'], strict: false };

describe('generated secret keys', () => {
  it('reserves exactly the keys the planner generates for itself', () => {
    expect(Object.keys(RESERVED_SECRET_KEYS).sort()).toEqual([JWT_SECRET, POSTGRES_SUPERUSER_SECRET, REDIS_SECRET].sort());
  });

  it('accepts literals and names of the service\'s own; refuses omnitron\'s keys and keys that are not names, at the KEY', () => {
    expect(checkSecretKeys({ a: 'literal\nwith anything', b: { secret: 'search_password' }, c: { secret: 'v1.key-2' } }, ctx)).toEqual([]);
    const found = checkSecretKeys({ su: { secret: POSTGRES_SUPERUSER_SECRET }, up: { secret: '../x' }, sp: { secret: 'a b' } }, ctx);
    expect(found.map((d) => [d.path, d.summary])).toEqual([
      ['infrastructure.services.search.secrets.su.secret', 'secret "postgres_superuser" is omnitron\'s own: the password of the stack\'s Postgres superuser'],
      ['infrastructure.services.search.secrets.up.secret', 'invalid secret name "../x"'],
      ['infrastructure.services.search.secrets.sp.secret', 'invalid secret name "a b"'],
    ]);
  });
});
