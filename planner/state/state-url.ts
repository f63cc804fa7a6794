/**
 * Where a stack's state lives: the local file (the default), or Postgres, chosen in the config
 * (`state: { backend: 'postgres', url, schema? }`, per ecosystem or per stack) or by OMNITRON_STATE_URL,
 * which wins. A URL's password never leaves this module in clear: everything printable goes through
 * `maskUrl`, and driver messages through `scrubSecret`.
 */
import { UserError, error } from '../diagnostics.js';

export const DEFAULT_PG_SCHEMA = 'omnitron';
export const STATE_URL_ENV = 'OMNITRON_STATE_URL';
export const STATE_SCHEMA_ENV = 'OMNITRON_STATE_SCHEMA';

export type StateLocation =
  | { backend: 'file' }
  | { backend: 'postgres'; url: string; schema: string };

/** What the config wrote, before the environment is considered. */
export interface StateConfig {
  backend: 'file' | 'postgres';
  url?: string;
  schema?: string;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Problems with a Postgres state URL, worded to follow `<field>: `; empty when it is fine. */
export function urlProblems(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [`is not a URL (${maskUrl(url)}); write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE`];
  }
  const problems: string[] = [];
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') problems.push(`must start with postgres:// or postgresql://, not ${parsed.protocol}//`);
  if (!parsed.hostname) problems.push('names no host; write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE');
  if (parsed.pathname.replace(/^\//, '') === '') problems.push('names no database; add /DATABASE after the host');
  return problems;
}

export function schemaProblems(schema: string): string[] {
  return SCHEMA_NAME.test(schema) ? [] : [`${JSON.stringify(schema)} is not a schema name: letters, digits and _, starting with a letter or _, at most 63`];
}

/**
 * The location for a stack: OMNITRON_STATE_URL (and OMNITRON_STATE_SCHEMA) when set, else the stack's
 * `state`, else the ecosystem's, else the file. The config's values were checked when it was loaded.
 */
export function resolveStateLocation(config: StateConfig | undefined, env: NodeJS.ProcessEnv = process.env): StateLocation {
  const url = env[STATE_URL_ENV];
  if (url !== undefined && url.trim() !== '') return fromEnv(url.trim(), env[STATE_SCHEMA_ENV] ?? config?.schema);
  if (!config || config.backend === 'file') return { backend: 'file' };
  return { backend: 'postgres', url: config.url!, schema: config.schema ?? DEFAULT_PG_SCHEMA };
}

/** `--to postgres://…` or `--to file` of `state migrate`. */
export function parseStateTarget(target: string, schema: string | undefined, what = '--to'): StateLocation {
  if (target === 'file') return { backend: 'file' };
  const problems = [...urlProblems(target), ...(schema !== undefined ? schemaProblems(schema) : [])];
  if (problems.length > 0) throw new UserError(problems.map((p) => error(`${what}: the state URL ${p}`)));
  return { backend: 'postgres', url: target, schema: schema ?? DEFAULT_PG_SCHEMA };
}

function fromEnv(url: string, schema: string | undefined): StateLocation {
  const problems = [...urlProblems(url), ...(schema !== undefined ? schemaProblems(schema) : [])];
  if (problems.length > 0) {
    throw new UserError(problems.map((p) => error(`${STATE_URL_ENV}: the state URL ${p}`, {
      detail: `${STATE_URL_ENV} selects the Postgres state backend and wins over the config; unset it to use the config's state.`,
    })));
  }
  return { backend: 'postgres', url, schema: schema ?? DEFAULT_PG_SCHEMA };
}

/** The URL with its password (in the user info or a `password` parameter) replaced by `***`. */
export function maskUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return maskUnparsed(url);
  }
  // Other schemes parse `user:pw@host` as a path: mask it as text.
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') return maskUnparsed(url);
  if (parsed.password) parsed.password = '***';
  for (const name of [...parsed.searchParams.keys()]) {
    if (name.toLowerCase() === 'password') parsed.searchParams.set(name, '***');
  }
  return parsed.toString().replace('%2A%2A%2A', '***');
}

/** Not a URL: hide whatever sits between the user's `:` and the last `@`, and any password parameter. */
function maskUnparsed(url: string): string {
  const masked = url.replace(/(password=)[^&]*/gi, '$1***');
  const at = masked.lastIndexOf('@');
  const slashes = masked.indexOf('//');
  const colon = masked.indexOf(':', slashes === -1 ? 0 : slashes + 2);
  return at === -1 || colon === -1 || colon > at ? masked : `${masked.slice(0, colon + 1)}***${masked.slice(at)}`;
}

/** `text` with the URL's password, in every spelling it may take, replaced by `***`. */
export function scrubSecret(text: string, url: string): string {
  const secrets = new Set<string>();
  try {
    const parsed = new URL(url);
    if (parsed.password) { secrets.add(parsed.password); secrets.add(decodeURIComponent(parsed.password)); }
    for (const [name, value] of parsed.searchParams) if (name.toLowerCase() === 'password' && value) secrets.add(value);
  } catch {
    // An unparseable URL was refused before any connection was made.
  }
  let out = text.split(url).join(maskUrl(url));
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  return out;
}

/** A short place name for messages: `postgres://app:***@db.internal:5432/ops, schema omnitron`. */
export function describeLocation(location: StateLocation, fileDescription: string): string {
  return location.backend === 'file' ? fileDescription : `${maskUrl(location.url)} (schema ${location.schema})`;
}
