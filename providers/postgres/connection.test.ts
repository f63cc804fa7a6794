import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { describePgError, parsePgConnection, redact, serverKey } from './connection.js';

describe('parsePgConnection', () => {
  it('accepts the documented shape', () => {
    const c = { host: '127.0.0.1', port: 5432, user: 'postgres', password: 'pw' };
    expect(parsePgConnection(c)).toEqual(c);
    expect(parsePgConnection({ ...c, database: 'postgres' })).toEqual({ ...c, database: 'postgres' });
    expect(serverKey(c)).toBe('postgres@127.0.0.1:5432');
  });

  it('rejects anything else without throwing', () => {
    expect(parsePgConnection(undefined)).toBeUndefined();
    expect(parsePgConnection({ host: 'h', port: '5432', user: 'u', password: 'p' })).toBeUndefined();
    expect(parsePgConnection('postgres://u:p@h/db')).toBeUndefined();
  });
});

describe('redact', () => {
  it('masks known secrets, SQL password literals and SCRAM verifiers', () => {
    expect(redact('login failed for hunter2 hunter2', ['hunter2'])).toBe('login failed for *** ***');
    expect(redact(`ALTER ROLE "a" PASSWORD 'x''y' LOGIN`, [])).toBe(`ALTER ROLE "a" PASSWORD '***' LOGIN`);
    expect(redact(`PASSWORD E'a\\\\b'`, [])).toBe(`PASSWORD '***'`);
    expect(redact('near SCRAM-SHA-256$4096:abc$def:ghi here', [])).toBe('near *** here');
    expect(redact('nothing to hide', [''])).toBe('nothing to hide');
  });

  it('describes errors with their SQLSTATE and without secrets', () => {
    const err = Object.assign(new pg.DatabaseError('role "x" with password s3cret failed', 0, 'error'), { code: '28P01' });
    expect(describePgError(err, ['s3cret'])).toBe('role "x" with password *** failed (SQLSTATE 28P01)');
    const net = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    expect(describePgError(net, [])).toBe('write EPIPE');
  });
});
