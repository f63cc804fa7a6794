import { describe, expect, it } from 'vitest';
import { maskUrl, parseStateTarget, resolveStateLocation, schemaProblems, scrubSecret, urlProblems } from './state-url.js';

describe('state URLs', () => {
  it('masks the password in the user info and in a password parameter, and leaves the rest', () => {
    expect(maskUrl('postgres://app:s3cr%40t@db.internal:5432/ops?sslmode=require')).toBe('postgres://app:***@db.internal:5432/ops?sslmode=require');
    expect(maskUrl('postgresql://app@db/ops?password=hunter2&sslmode=disable')).toBe('postgresql://app@db/ops?password=***&sslmode=disable');
    expect(maskUrl('postgres://app@db/ops')).toBe('postgres://app@db/ops');
    expect(maskUrl('postgres://app:pw with space@db/ops')).not.toContain('pw with space');
  });

  it('scrubs the password from any text, encoded or not', () => {
    const url = 'postgres://app:s3cr%40t@db/ops';
    expect(scrubSecret(`failed for ${url}: s3cr@t and s3cr%40t`, url)).toBe('failed for postgres://app:***@db/ops: *** and ***');
  });

  it('says what is wrong with a URL, without its password', () => {
    expect(urlProblems('postgres://app:pw@db:5432/ops')).toEqual([]);
    expect(urlProblems('mysql://app:pw@db/ops')).toEqual(['must start with postgres:// or postgresql://, not mysql://']);
    expect(urlProblems('postgres://app:pw@db:5432')).toEqual(['names no database; add /DATABASE after the host']);
    const garbage = urlProblems('//app:pw@db.internal/ops');
    expect(garbage[0]).toMatch(/^is not a URL \(\/\/app:\*\*\*@db.internal\/ops\)/);
    expect(maskUrl('app:pw@db')).toBe('app:***@db');
    expect(schemaProblems('omnitron_state')).toEqual([]);
    expect(schemaProblems('drop table;')[0]).toContain('is not a schema name');
  });

  it('OMNITRON_STATE_URL wins over the config; the config over the file; the file by default', () => {
    const config = { backend: 'postgres' as const, url: 'postgres://cfg@db/ops', schema: 'teams' };
    expect(resolveStateLocation(undefined, {})).toEqual({ backend: 'file' });
    expect(resolveStateLocation(config, {})).toEqual({ backend: 'postgres', url: 'postgres://cfg@db/ops', schema: 'teams' });
    expect(resolveStateLocation({ backend: 'file' }, { OMNITRON_STATE_URL: 'postgres://ci:pw@db/ops' })).toEqual({ backend: 'postgres', url: 'postgres://ci:pw@db/ops', schema: 'omnitron' });
    expect(resolveStateLocation(config, { OMNITRON_STATE_URL: 'postgres://ci:pw@db/ops', OMNITRON_STATE_SCHEMA: 'ci' })).toMatchObject({ url: 'postgres://ci:pw@db/ops', schema: 'ci' });
  });

  it('refuses a bad OMNITRON_STATE_URL or --to naming the variable or flag, never echoing the password', () => {
    const bad = () => resolveStateLocation(undefined, { OMNITRON_STATE_URL: 'mysql://root:topsecret@db/ops' });
    expect(bad).toThrow(/OMNITRON_STATE_URL: the state URL must start with postgres:\/\//);
    expect(String((() => { try { bad(); } catch (e) { return e; } })())).not.toContain('topsecret');
    expect(() => parseStateTarget('postgres://a:b@db', undefined)).toThrow(/--to: the state URL names no database/);
    expect(parseStateTarget('file', undefined)).toEqual({ backend: 'file' });
  });
});
