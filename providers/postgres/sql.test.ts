import { describe, expect, it } from 'vitest';
import {
  alterDatabaseOwner, alterRole, commentOnDatabase, commentOnRole, createDatabase, createRole, databaseExists,
  dropDatabase, dropRole, quoteIdent, quoteLiteral, renameRole, roleExists, selectCatalog, selectVerifiers,
} from './sql.js';

describe('quoteIdent', () => {
  it.each([
    ['app', '"app"'],
    ['My App', '"My App"'],
    ['a"b', '"a""b"'],
    ['x"; DROP TABLE t; --', '"x""; DROP TABLE t; --"'],
    ['""', '""""""'],
    ["it's", '"it\'s"'],
    ['back\\slash', '"back\\slash"'],
    ['ünïcødé', '"ünïcødé"'],
  ])('%j → %s', (input, expected) => {
    expect(quoteIdent(input)).toBe(expected);
  });

  it('rejects empty names and NUL characters', () => {
    expect(() => quoteIdent('')).toThrow('identifier is empty');
    expect(() => quoteIdent('a\0b')).toThrow('NUL');
  });
});

describe('quoteLiteral', () => {
  it.each([
    ['plain', "'plain'"],
    ["o'brien", "'o''brien'"],
    ["'; DROP ROLE x; --", "'''; DROP ROLE x; --'"],
    ['a\\b', "E'a\\\\b'"],
    ["\\'", "E'\\\\'''"],
    ['{"k":"v"}', `'{"k":"v"}'`],
    ['', "''"],
    ['line\nbreak', "'line\nbreak'"],
  ])('%j → %s', (input, expected) => {
    expect(quoteLiteral(input)).toBe(expected);
  });

  it('rejects NUL characters', () => {
    expect(() => quoteLiteral('a\0')).toThrow('NUL');
  });
});

describe('DDL builders', () => {
  const v = 'SCRAM-SHA-256$4096:c2FsdA==$a2V5:c2Vy';

  it('build role statements with quoted identifiers and literal verifiers, no bind values', () => {
    expect(createRole('app', true, v)).toEqual({ text: `CREATE ROLE "app" LOGIN PASSWORD '${v}'`, values: [] });
    expect(alterRole('we"ird; x', false, v)).toEqual({ text: `ALTER ROLE "we""ird; x" NOLOGIN PASSWORD '${v}'`, values: [] });
    expect(renameRole('old name', 'new"name')).toEqual({ text: 'ALTER ROLE "old name" RENAME TO "new""name"', values: [] });
    expect(dropRole('a;b')).toEqual({ text: 'DROP ROLE IF EXISTS "a;b"', values: [] });
    expect(commentOnRole('app', "omnitron:{\"address\":\"postgres_role.o'k\"}")).toEqual({
      text: `COMMENT ON ROLE "app" IS 'omnitron:{"address":"postgres_role.o''k"}'`, values: [],
    });
  });

  it('build database statements', () => {
    expect(createDatabase('my db', 'my"role')).toEqual({ text: 'CREATE DATABASE "my db" OWNER "my""role"', values: [] });
    expect(alterDatabaseOwner('db', 'r')).toEqual({ text: 'ALTER DATABASE "db" OWNER TO "r"', values: [] });
    expect(dropDatabase('x"; --')).toEqual({ text: 'DROP DATABASE IF EXISTS "x""; --" WITH (FORCE)', values: [] });
    expect(commentOnDatabase('db', 'c\\d')).toEqual({ text: `COMMENT ON DATABASE "db" IS E'c\\\\d'`, values: [] });
  });

  it('keeps user values of queries in bind parameters', () => {
    expect(roleExists("a'b")).toEqual({ text: 'SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', values: ["a'b"] });
    expect(databaseExists('d')).toEqual({ text: 'SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1', values: ['d'] });
    expect(selectCatalog(['a', 'b"'], ['d']).values).toEqual([['a', 'b"'], ['d'], 'omnitron:']);
    expect(selectVerifiers(['a']).values).toEqual([['a']]);
    for (const q of [selectCatalog(['x'], ['x']), selectVerifiers(['x'])]) expect(q.text).not.toContain('"x"');
  });
});
