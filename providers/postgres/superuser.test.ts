import { describe, expect, it } from 'vitest';
import { psqlAsSuperuser, setPasswordSql } from './superuser.js';
import { scramMatches } from './scram.js';

describe('postgres_superuser', () => {
  it('runs psql as the postgres OS user with the SQL on stdin, never in argv', () => {
    expect(psqlAsSuperuser()).toEqual(['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'postgres']);
  });

  it('sends a SCRAM verifier for the password, not the password', async () => {
    const sql = setPasswordSql('postgres', 'hunter2-is-a-bad-password');
    expect(sql).not.toContain('hunter2');
    const verifier = /PASSWORD '([^']+)'/.exec(sql)![1];
    expect(await scramMatches('hunter2-is-a-bad-password', verifier)).toBe(true);
    expect(sql.startsWith('ALTER ROLE "postgres" WITH LOGIN PASSWORD ')).toBe(true);
  });
});
