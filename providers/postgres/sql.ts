/**
 * SQL as data: every statement is `{ text, values }`. DDL cannot take bind parameters, so identifiers
 * and the few literals DDL needs (comments, SCRAM verifiers) are quoted here, once, and tested.
 * Plaintext passwords never appear in SQL: roles get a SCRAM verifier computed client-side.
 */
export interface Sql { text: string; values: unknown[] }

function sql(text: string, values: unknown[] = []): Sql {
  return { text, values };
}

function rejectNul(value: string, what: string): void {
  if (value.includes('\0')) throw new Error(`${what} contains a NUL character`);
}

/** `"name"` with embedded `"` doubled (PostgreSQL quote_ident, always quoted). */
export function quoteIdent(name: string): string {
  rejectNul(name, 'identifier');
  if (name.length === 0) throw new Error('identifier is empty');
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * `'value'` with `'` doubled; with a backslash present, the E'' form with `\` doubled, as
 * PostgreSQL's quote_literal does, so the result is right whatever standard_conforming_strings says.
 */
export function quoteLiteral(value: string): string {
  rejectNul(value, 'literal');
  const body = value.replaceAll("'", "''");
  return value.includes('\\') ? `E'${body.replaceAll('\\', '\\\\')}'` : `'${body}'`;
}

const login = (canLogin: boolean): string => (canLogin ? 'LOGIN' : 'NOLOGIN');

export function createRole(name: string, canLogin: boolean, verifier: string): Sql {
  return sql(`CREATE ROLE ${quoteIdent(name)} ${login(canLogin)} PASSWORD ${quoteLiteral(verifier)}`);
}

export function alterRole(name: string, canLogin: boolean, verifier: string): Sql {
  return sql(`ALTER ROLE ${quoteIdent(name)} ${login(canLogin)} PASSWORD ${quoteLiteral(verifier)}`);
}

export function renameRole(from: string, to: string): Sql {
  return sql(`ALTER ROLE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`);
}

export function dropRole(name: string): Sql {
  return sql(`DROP ROLE IF EXISTS ${quoteIdent(name)}`);
}

export function commentOnRole(name: string, comment: string): Sql {
  return sql(`COMMENT ON ROLE ${quoteIdent(name)} IS ${quoteLiteral(comment)}`);
}

export function createDatabase(name: string, owner: string): Sql {
  return sql(`CREATE DATABASE ${quoteIdent(name)} OWNER ${quoteIdent(owner)}`);
}

export function alterDatabaseOwner(name: string, owner: string): Sql {
  return sql(`ALTER DATABASE ${quoteIdent(name)} OWNER TO ${quoteIdent(owner)}`);
}

export function dropDatabase(name: string): Sql {
  return sql(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

export function commentOnDatabase(name: string, comment: string): Sql {
  return sql(`COMMENT ON DATABASE ${quoteIdent(name)} IS ${quoteLiteral(comment)}`);
}

export function roleExists(name: string): Sql {
  return sql('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [name]);
}

export function databaseExists(name: string): Sql {
  return sql('SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1', [name]);
}

export const COMMENT_PREFIX = 'omnitron:';

/**
 * The roles and databases observe asks about, or stamped by omnitron, in one round trip: `kind` says
 * which (a role row has `login`, a database row `owner`).
 */
export function selectCatalog(roleNames: string[], databaseNames: string[]): Sql {
  return sql(
    `SELECT 'role' AS kind, r.rolname AS name, r.rolcanlogin AS login, NULL::name AS owner,
       pg_catalog.shobj_description(r.oid, 'pg_authid') AS comment
     FROM pg_catalog.pg_roles r
     WHERE r.rolname = ANY($1::text[])
        OR starts_with(pg_catalog.shobj_description(r.oid, 'pg_authid'), $3)
     UNION ALL
     SELECT 'database', d.datname, NULL::boolean, pg_catalog.pg_get_userbyid(d.datdba),
       pg_catalog.shobj_description(d.oid, 'pg_database')
     FROM pg_catalog.pg_database d
     WHERE d.datname = ANY($2::text[])
        OR starts_with(pg_catalog.shobj_description(d.oid, 'pg_database'), $3)
     ORDER BY kind, name`,
    [roleNames, databaseNames, COMMENT_PREFIX],
  );
}

/** Stored SCRAM verifiers, to tell whether state's password still works. Superuser only (42501 otherwise). */
export function selectVerifiers(names: string[]): Sql {
  return sql(
    'SELECT rolname AS name, rolpassword AS verifier FROM pg_catalog.pg_authid WHERE rolname = ANY($1::text[])',
    [names],
  );
}
