/**
 * Turns a manifest app into what the supervisor runs. Entry files are resolved through symlinks,
 * so a process keeps running the release it started from, and switching `current` to a new release
 * changes its argv: the next reload restarts exactly the apps whose release, env or policy changed.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { AppSpec, HealthSpec, ProcessSpec } from '../supervisor/types.js';
import { readEnvFile } from './env-file.js';
import type { AgentManifest, ManifestApp } from '../../contract/agent/manifest.js';
import { lookupUser, type OsUser } from './os-user.js';
import { loadSystemDefinition, type SystemDefinition, type SystemProcess, type SystemShutdown } from './system-definition.js';
import { readSystemAs } from './system-as-user.js';
import { runAs } from './run-as.js';

export interface ResolveDeps {
  loadSystem?: (bootstrap: string) => Promise<SystemDefinition>;
  /** The agent bundle, for reading an app's defineSystem as the app's user (default: the running script). */
  bundle?: string;
  readEnv?: (file: string) => Record<string, string>;
  lookupUser?: (name: string) => OsUser;
  execPath?: string;
}

/** What the agent runs, plus each bootstrap app's defineSystem version (the version discovery announces) and what it could not honour. */
export interface ResolvedApps {
  specs: AppSpec[];
  versions: Record<string, string>;
  /** Per app: warnings about its definition (fields the agent does not use). */
  notes: Record<string, string[]>;
}

export async function resolveApps(manifest: AgentManifest, deps: ResolveDeps = {}): Promise<AppSpec[]> {
  return (await resolveManifestApps(manifest, deps)).specs;
}

export async function resolveManifestApps(manifest: AgentManifest, deps: ResolveDeps = {}): Promise<ResolvedApps> {
  const resolved: ResolvedApps = { specs: [], versions: {}, notes: {} };
  for (const app of manifest.apps) {
    try {
      const { spec, version, notes } = await resolveAppWithVersion(app, manifest.logDir, deps);
      resolved.specs.push(spec);
      if (version !== undefined) resolved.versions[app.name] = version;
      if (notes.length) resolved.notes[app.name] = notes;
    } catch (err) {
      throw new Error(`app "${app.name}": ${(err as Error).message}`);
    }
  }
  return resolved;
}

export async function resolveApp(app: ManifestApp, logDir: string, deps: ResolveDeps = {}): Promise<AppSpec> {
  return (await resolveAppWithVersion(app, logDir, deps)).spec;
}

async function resolveAppWithVersion(app: ManifestApp, logDir: string, deps: ResolveDeps): Promise<{ spec: AppSpec; version?: string; notes: string[] }> {
  const user = app.user ? (deps.lookupUser ?? lookupUser)(app.user) : undefined;
  const env = { ...(user ? userEnvironment(user) : {}), ...(deps.readEnv ?? readEnvFile)(app.envFile) };
  const { entries, system } = await processEntries(app, user, deps);
  const node = deps.execPath ?? process.execPath;
  const appHealth = system?.health?.enabled === false ? undefined : app.health;
  const { processes, health } = processSpecs(app, entries, appHealth, env.PORT, (file) => runAs(user, [node, file]));
  const notes = system?.ignored?.length ? [`defineSystem fields the omnitron agent does not use (ignored): ${system.ignored.join(', ')}`] : [];
  const cwd = real(app.cwd, 'cwd');
  const revision = runningRevision(app.revision, cwd);
  const spec: AppSpec = {
    name: app.name,
    processes,
    cwd,
    env: { ...env, OMNITRON_APP_NAME: app.name, ...(revision ? { OMNITRON_APP_REVISION: revision } : {}) },
    dependsOn: app.dependsOn,
    critical: app.critical,
    startupTimeout: app.startupTimeout,
    ...(health ? { health } : {}),
    shutdown: overrideShutdown(app.shutdown, system?.shutdown),
    restart: app.restart,
    logs: { dir: logDir, ...app.logs },
    ...(app.instances !== undefined && app.instances > 1 ? { instances: app.instances } : {}),
  };
  return { spec, notes, ...(system?.version !== undefined ? { version: system.version } : {}) };
}

interface Entry { name: string; file: string; ipc: boolean; def?: SystemProcess }

/**
 * The processes to run. `instances: N` runs N copies of a single-process app, `<process>.<i>` with
 * `PORT` offset by i (the Omnitron daemon's portOffset) and a health check of their own at that port.
 * Otherwise a process's own `startupTimeout` and `critical` apply; its `health` (enabled, interval,
 * timeout) tunes the app's check, which, for an app of several processes, gates the first process
 * whose health is not disabled (the one serving the app's port, by convention) and no other.
 */
function processSpecs(app: ManifestApp, entries: Entry[], appHealth: HealthSpec | undefined, port: string | undefined, argv: (file: string) => string[]): { processes: ProcessSpec[]; health?: HealthSpec } {
  const instances = app.instances ?? 1;
  const own = (e: Entry): Omit<ProcessSpec, 'name' | 'argv' | 'ipc'> => ({
    ...(e.def?.startupTimeout !== undefined ? { startupTimeout: e.def.startupTimeout } : {}),
    ...(e.def?.critical === false ? { critical: false } : {}),
  });
  if (instances > 1) {
    if (entries.length > 1) throw new Error(`instances: ${instances} runs copies of a single-process app, but its defineSystem has ${entries.length} processes (${entries.map((e) => e.name).join(', ')}); run one process per app, or instances: 1`);
    const [e] = entries;
    const base = Number(port);
    const health = tunedHealth(appHealth, e.def);
    return {
      processes: Array.from({ length: instances }, (_, i) => ({
        name: `${e.name}.${i}`, argv: argv(e.file), ipc: e.ipc, ...own(e),
        ...(Number.isInteger(base) && base > 0 ? { env: { PORT: String(base + i) } } : {}),
        health: health ? { ...health, target: offsetTarget(health.target, i) } : null,
      })),
    };
  }
  if (entries.length === 1) return { processes: [{ name: entries[0].name, argv: argv(entries[0].file), ipc: entries[0].ipc, ...own(entries[0]) }], health: tunedHealth(appHealth, entries[0].def) };
  const gated = entries.findIndex((e) => e.def?.health?.enabled !== false);
  return {
    processes: entries.map((e, i) => ({ name: e.name, argv: argv(e.file), ipc: e.ipc, ...own(e), health: i === gated ? tunedHealth(appHealth, e.def) ?? null : null })),
  };
}

function tunedHealth(health: HealthSpec | undefined, def: SystemProcess | undefined): HealthSpec | undefined {
  if (!health || def?.health?.enabled === false) return undefined;
  return { ...health, ...(def?.health?.interval ? { interval: def.health.interval } : {}), ...(def?.health?.timeout ? { timeout: def.health.timeout } : {}) };
}

/** The instance's port: an http URL's port, or a tcp `port` / `host:port`, plus the instance index. */
export function offsetTarget(target: string, index: number): string {
  if (index === 0) return target;
  if (/^https?:\/\//.test(target)) {
    const url = new URL(target);
    if (url.port) url.port = String(Number(url.port) + index);
    return url.toString();
  }
  const tcp = /^(.*?)(\d+)$/.exec(target);
  return tcp && (tcp[1] === '' || tcp[1].endsWith(':')) ? `${tcp[1]}${Number(tcp[2]) + index}` : target;
}

/** A script is one process; a bootstrap's defineSystem lists the processes and may tune shutdown and health. */
async function processEntries(app: ManifestApp, user: OsUser | undefined, deps: ResolveDeps): Promise<{ entries: Entry[]; system?: SystemDefinition }> {
  if (app.script) return { entries: [{ name: 'main', file: real(app.script, 'script'), ipc: false }] };
  const bootstrap = real(app.bootstrap!, 'bootstrap');
  const system = await loadSystem(bootstrap, app, user, deps);
  return { system, entries: system.processes.map((p) => ({ name: p.name, file: path.resolve(path.dirname(bootstrap), p.module), ipc: true, def: p })) };
}

/** The app's code never runs as root: an agent running as root reads it in a child under the app's user. */
function loadSystem(bootstrap: string, app: ManifestApp, user: OsUser | undefined, deps: ResolveDeps): Promise<SystemDefinition> {
  if (deps.loadSystem) return deps.loadSystem(bootstrap);
  if (!user || process.getuid?.() !== 0) return loadSystemDefinition(bootstrap);
  return readSystemAs(bootstrap, user, real(app.cwd, 'cwd'), { execPath: deps.execPath ?? process.execPath, bundle: deps.bundle ?? process.argv[1]! });
}

/** defineSystem's shutdown wins field by field; a field it leaves out keeps the manifest's value. */
export function overrideShutdown(base: AppSpec['shutdown'], over: SystemShutdown | undefined): AppSpec['shutdown'] {
  return { priority: over?.priority ?? base.priority, timeout: over?.timeout ?? base.timeout };
}

/**
 * A release directory is named by its digest, and the manifest's revision is that digest's start; once
 * `current` was switched back (a rollback), the directory says which release runs, not the manifest.
 */
function runningRevision(manifestRevision: string | undefined, cwd: string): string | undefined {
  const dir = path.basename(cwd);
  return manifestRevision && /^[0-9a-f]{64}$/.test(dir) ? dir.slice(0, manifestRevision.length) : manifestRevision;
}

function real(file: string, field: string): string {
  try {
    return realpathSync(file);
  } catch (err) {
    throw new Error(`${field} ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

/** The supervisor starts from the agent's environment (root's); an app run as a user gets that user's. */
function userEnvironment(user: OsUser): Record<string, string> {
  return { HOME: user.home, USER: user.name, LOGNAME: user.name };
}
