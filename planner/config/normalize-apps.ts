/**
 * `apps[]` entries as AppSpecs: paths absolute against the config root, real Omnitron's defaults
 * (enabled, not critical, 30 s startup, one instance), and each app's requirements read from
 * `<appRoot>/config/default.json` where `appRoot = dirname(bootstrap or script)/..`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { error, warning, type Diagnostic } from '../diagnostics.js';
import type { AppSpec, RestartPolicySpec } from './model.js';
import { toMs } from './durations.js';
import { stringValues } from './normalize-docker.js';
import { noRequirements, readAppRequirements } from './read-app-requirements.js';
import { schemaPair, type RawApp } from './schema.js';
import { addressForm } from './name-collisions.js';
import { checkEnvFileNames } from './env-names.js';
import { checkName } from './service-name.js';
import { at, within, type SourceContext } from './source-context.js';
import { checkShape } from './zod-diagnostics.js';

export const APP_DEFAULTS = { critical: false, startupTimeout: 30_000, enabled: true, instances: 1, watchDebounce: 300 } as const;

/** `ctx` points at the config file's root. */
export function normalizeApps(raw: readonly unknown[], ctx: SourceContext): { apps: AppSpec[]; diagnostics: Diagnostic[] } {
  const apps: AppSpec[] = [];
  const diagnostics: Diagnostic[] = [];
  raw.forEach((entry, index) => {
    const shape = checkShape(schemaPair('app'), entry, within(ctx, 'apps', index));
    diagnostics.push(...shape.diagnostics);
    if (!shape.data) return;
    const result = normalizeApp(shape.data, index, ctx);
    diagnostics.push(...result.diagnostics);
    if (result.app) apps.push(result.app);
  });
  return { apps, diagnostics };
}

function normalizeApp(raw: RawApp, index: number, ctx: SourceContext): { app?: AppSpec; diagnostics: Diagnostic[] } {
  const diagnostics = [...checkName('app', raw.name, at(ctx, 'apps', index, 'name')), ...checkEnvFileNames(raw.env ?? {}, within(ctx, 'apps', index, 'env'))];
  const entry = entryPoint(raw, index, ctx);
  if ('diagnostic' in entry) return { diagnostics: [...diagnostics, entry.diagnostic] };
  const root = resolve(dirname(entry.path), '..');
  const app: AppSpec = {
    name: raw.name,
    index,
    [entry.kind]: entry.path,
    root,
    cwd: raw.cwd ? resolve(ctx.root, raw.cwd) : ctx.root,
    dependsOn: [...(raw.dependsOn ?? [])],
    critical: raw.critical ?? APP_DEFAULTS.critical,
    startupTimeout: raw.startupTimeout === undefined ? APP_DEFAULTS.startupTimeout : toMs(raw.startupTimeout),
    enabled: raw.enabled ?? APP_DEFAULTS.enabled,
    env: stringValues(raw.env ?? {}),
    instances: raw.instances ?? APP_DEFAULTS.instances,
    requirements: noRequirements(),
  };
  const watch = watchOf(raw.watch, ctx.root);
  if (watch) app.watch = watch;
  if (raw.dev) app.dev = { ...(raw.dev.logLevel ? { logLevel: raw.dev.logLevel } : {}), env: stringValues(raw.dev.env ?? {}), sourceMaps: raw.dev.sourceMaps ?? false };
  if (raw.restartPolicy) app.restartPolicy = restartPolicyOf(raw.restartPolicy);
  if (outside(root, ctx.root)) return { app, diagnostics: [...diagnostics, outsideProject(root, entry.kind, index, ctx)] };
  if (!existsSync(root)) {
    diagnostics.push(warning(`app directory ${root} does not exist, so the app declares no requirements`, {
      detail: `check the path; requirements are read from ${root}/config/default.json`,
      ...at(ctx, 'apps', index, entry.kind),
    }));
    return { app, diagnostics };
  }
  const read = readAppRequirements(root, { root: ctx.root, strict: ctx.strict });
  app.requirements = read.requirements;
  return { app, diagnostics: [...diagnostics, ...read.diagnostics, ...checkNameTargets(app, at(ctx, 'apps', index, 'name'))] };
}

/** Redis DB indexes shared by the stack's apps are addressed like an app's own (`redis_database.<app>`). */
const SHARED_REDIS_FORMS = ['shared_discovery', 'shared_notifications'];
/** Postgres cuts longer identifiers short (NAMEDATALEN - 1), and the role would never be found again. */
const POSTGRES_NAME_BYTES = 63;
/** Names Postgres itself owns or refuses for a role: an app named so would take over the server's own objects. */
const POSTGRES_RESERVED = /^(postgres|template0|template1|public|none|current_user|current_role|session_user|pg_.*)$/i;

/** Limits that depend on what the app asks for: its database and Redis DB index are named after it. */
function checkNameTargets(app: AppSpec, where: Pick<Diagnostic, 'file' | 'path'>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const bytes = Buffer.byteLength(app.name);
  if (app.requirements.database && bytes > POSTGRES_NAME_BYTES) {
    out.push(error(`app name ${JSON.stringify(`${app.name.slice(0, 20)}...`)} is ${bytes} bytes long, more than ${POSTGRES_NAME_BYTES}`, {
      detail: `the app asks for a database, and its Postgres role and database are named after it; Postgres names are at most ${POSTGRES_NAME_BYTES} bytes, so shorten it`, ...where,
    }));
  }
  if (app.requirements.database && POSTGRES_RESERVED.test(app.name)) {
    out.push(error(`app name "${app.name}" is reserved by Postgres`, {
      detail: 'the app asks for a database, and its Postgres role and database are named after it; "postgres", "template0", "template1", "public" and names starting with "pg_" belong to the server itself: rename the app', ...where,
    }));
  }
  if (app.requirements.redis && SHARED_REDIS_FORMS.includes(addressForm(app.name))) {
    out.push(error(`app name "${app.name}" collides with the stack's shared Redis DB index: resource addresses write both as "redis_database.${addressForm(app.name)}"`, { detail: 'rename the app', ...where }));
  }
  return out;
}

/** Whether `dir` (symlinks followed) lies outside `project`; a release packs the whole app root. */
function outside(dir: string, project: string): boolean {
  const real = (p: string) => (existsSync(p) ? realpathSync.native(p) : p);
  const rel = relative(real(project), real(dir));
  return rel === '..' || rel.startsWith('../') || isAbsolute(rel);
}

function outsideProject(root: string, kind: 'bootstrap' | 'script', index: number, ctx: SourceContext): Diagnostic {
  return error(`the app's root ${root} is outside the project ${ctx.root}`, {
    detail: `the root is dirname(${kind})/.., and a release packs all of it; keep the app under the project, e.g. ${kind}: './apps/NAME/dist/${kind === 'bootstrap' ? 'bootstrap' : 'main'}.js'`,
    ...at(ctx, 'apps', index, kind),
  });
}

function entryPoint(raw: RawApp, index: number, ctx: SourceContext): { kind: 'bootstrap' | 'script'; path: string } | { diagnostic: Diagnostic } {
  if (raw.bootstrap && raw.script) {
    return { diagnostic: error('both bootstrap and script are set', { detail: 'keep one: bootstrap for a defineSystem() app, script for a plain Node script', ...at(ctx, 'apps', index) }) };
  }
  if (!raw.bootstrap && !raw.script) {
    return { diagnostic: error('neither bootstrap nor script is set', { detail: `add bootstrap: './apps/${raw.name}/src/bootstrap.ts' (or script: ...)`, ...at(ctx, 'apps', index) }) };
  }
  return raw.bootstrap ? { kind: 'bootstrap', path: resolve(ctx.root, raw.bootstrap) } : { kind: 'script', path: resolve(ctx.root, raw.script!) };
}

function restartPolicyOf(raw: NonNullable<RawApp['restartPolicy']>): RestartPolicySpec {
  const ms = (v: number | string | undefined) => (v === undefined ? undefined : toMs(v));
  const backoff = raw.backoff && Object.fromEntries(Object.entries({ type: raw.backoff.type, initial: ms(raw.backoff.initial), max: ms(raw.backoff.max), factor: raw.backoff.factor }).filter(([, v]) => v !== undefined));
  return Object.fromEntries(Object.entries({ enabled: raw.enabled, maxRestarts: raw.maxRestarts, window: ms(raw.window), delay: ms(raw.delay), backoff }).filter(([, v]) => v !== undefined)) as RestartPolicySpec;
}

function watchOf(raw: RawApp['watch'], root: string): AppSpec['watch'] {
  if (!raw) return undefined;
  if (typeof raw === 'string') return { directory: resolve(root, raw), debounce: APP_DEFAULTS.watchDebounce };
  return {
    directory: resolve(root, raw.directory),
    ...(raw.include ? { include: [...raw.include] } : {}),
    ...(raw.ignore ? { ignore: [...raw.ignore] } : {}),
    debounce: raw.debounce === undefined ? APP_DEFAULTS.watchDebounce : toMs(raw.debounce),
  };
}
