/**
 * One app's requirements: the `omnitron` key of `<appRoot>/config/default.json`. No file, or no
 * `omnitron` key, means no requirements. Diagnostics name that json file and paths inside it
 * (`omnitron.infrastructure.search.env.SEARCH_URL`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { error, type Diagnostic } from '../diagnostics.js';
import type { AppRequirements, DatabaseRequirement, ServiceRequirement } from './model.js';
import { normalizeService } from './normalize-service.js';
import { schemaPair, type RawAppConfig } from './schema.js';
import { checkName } from './service-name.js';
import { at, within, type SourceContext } from './source-context.js';
import { checkShape } from './zod-diagnostics.js';

export interface ReadOptions {
  /** The ecosystem's config root (bind mounts resolve against it). */
  root: string;
  strict: boolean;
}

export function appConfigFile(appRoot: string): string {
  return join(appRoot, 'config', 'default.json');
}

export function noRequirements(): AppRequirements {
  return { discovery: false, notifications: false, infrastructure: {} };
}

export function readAppRequirements(appRoot: string, opts: ReadOptions): { requirements: AppRequirements; diagnostics: Diagnostic[] } {
  const file = appConfigFile(appRoot);
  const text = readText(file);
  if (typeof text !== 'string') return { requirements: noRequirements(), diagnostics: text ? [text] : [] };
  const parsed = parseJson(text, file);
  if ('diagnostic' in parsed) return { requirements: { ...noRequirements(), configFile: file }, diagnostics: [parsed.diagnostic] };
  const section = (parsed.value as Record<string, unknown> | null)?.omnitron;
  if (section === undefined || parsed.value === null || typeof parsed.value !== 'object') {
    return { requirements: { ...noRequirements(), configFile: file }, diagnostics: [] };
  }
  const ctx: SourceContext = { file, root: opts.root, prefix: ['omnitron'], strict: opts.strict, fromApp: true };
  const shape = checkShape(schemaPair('appConfig'), section, ctx);
  if (!shape.data) return { requirements: { ...noRequirements(), configFile: file }, diagnostics: shape.diagnostics };
  const built = fromRaw(shape.data, ctx);
  return { requirements: { ...built.requirements, configFile: file }, diagnostics: [...shape.diagnostics, ...built.diagnostics] };
}

/** The text, undefined when the file does not exist, or a diagnostic when it cannot be read. */
function readText(file: string): string | Diagnostic | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'EISDIR') return error('the app\'s config is a directory, not a file', { detail: 'requirements are read from the JSON file config/default.json; replace the directory with that file', file });
    return error(`cannot read the app's config: ${code ?? (e as Error).message}`, { detail: 'check the file permissions', file });
  }
}

const SYNTAX_FIX = 'fix the syntax (JSON allows no comments or trailing commas)';

export function parseJson(text: string, file: string): { value: unknown } | { diagnostic: Diagnostic } {
  if (text.startsWith('\uFEFF')) {
    return { diagnostic: error('not valid JSON: the file starts with a byte order mark (U+FEFF)', { detail: 'save it as UTF-8 without a byte order mark; JSON.parse, and so Omnitron, refuses it', file, line: 1 }) };
  }
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    const message = (e as Error).message;
    const position = /at position (\d+)/.exec(message);
    const at = position ? Number(position[1]) : text.length;
    const line = lineOf(text, at);
    const comment = commentAt(text, at);
    if (comment) return { diagnostic: error('not valid JSON: comments are not allowed', { detail: 'remove the comment (a "//": "..." key is the usual stand-in)', file, line: lineOf(text, comment) }) };
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'unexpected end of input');
    return { diagnostic: error(`not valid JSON: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`, { detail: SYNTAX_FIX, file, line }) };
  }
}

/** Where the `//` or `/*` comment the parser stopped at (with only whitespace before it) starts. */
function commentAt(text: string, at: number): number | undefined {
  const rest = text.slice(at).trimStart();
  return rest.startsWith('//') || rest.startsWith('/*') ? text.length - rest.length : undefined;
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

function fromRaw(raw: RawAppConfig, ctx: SourceContext): { requirements: AppRequirements; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const requirements = noRequirements();
  const database = databaseOf(raw.database, ctx, diagnostics);
  if (database) requirements.database = database;
  if (raw.redis) requirements.redis = raw.redis === true ? {} : raw.redis.prefix === undefined ? {} : { prefix: raw.redis.prefix };
  if (raw.s3) requirements.s3 = raw.s3 === true || raw.s3.bucket === undefined ? {} : { bucket: raw.s3.bucket };
  requirements.discovery = raw.services?.discovery ?? false;
  requirements.notifications = raw.services?.notifications ?? false;
  const infrastructure: Record<string, ServiceRequirement> = {};
  for (const [name, service] of Object.entries(raw.infrastructure ?? {})) {
    const normalized = normalizeService(service, within(ctx, 'infrastructure', name));
    diagnostics.push(...checkName('service', name, at(ctx, 'infrastructure', name)), ...normalized.diagnostics);
    infrastructure[name] = normalized.requirement;
  }
  requirements.infrastructure = infrastructure;
  return { requirements, diagnostics };
}

/** Real Omnitron's pool defaults are {2, 10} when `pool` is given. Only postgres is provisioned. */
function databaseOf(raw: RawAppConfig['database'], ctx: SourceContext, diagnostics: Diagnostic[]): DatabaseRequirement | undefined {
  if (!raw) return undefined;
  if (raw === true) return { dialect: 'postgres' };
  const dialect = raw.dialect ?? 'postgres';
  if (dialect !== 'postgres' && dialect !== 'postgresql') {
    diagnostics.push(error(`database dialect "${dialect}" is not supported`, { detail: 'omnitron provisions postgres; use "postgres" or drop dialect', ...at(ctx, 'database', 'dialect') }));
    return undefined;
  }
  return raw.pool ? { dialect, pool: { min: raw.pool.min ?? 2, max: raw.pool.max ?? 10 } } : { dialect };
}
