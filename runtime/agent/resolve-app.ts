/**
 * Turns a manifest app into what the supervisor runs. Entry files are resolved through symlinks,
 * so a process keeps running the release it started from, and switching `current` to a new release
 * changes its argv: the next reload restarts exactly the apps whose release, env or policy changed.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { AppSpec, ProcessSpec } from '../supervisor/types.js';
import { readEnvFile } from './env-file.js';
import type { AgentManifest, ManifestApp } from '../../contract/agent/manifest.js';
import { lookupUser, type OsUser } from './os-user.js';
import { loadSystemDefinition, type SystemDefinition, type SystemShutdown } from './system-definition.js';
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

/** What the agent runs, plus each bootstrap app's defineSystem version (the version discovery announces). */
export interface ResolvedApps {
  specs: AppSpec[];
  versions: Record<string, string>;
}

export async function resolveApps(manifest: AgentManifest, deps: ResolveDeps = {}): Promise<AppSpec[]> {
  return (await resolveManifestApps(manifest, deps)).specs;
}

export async function resolveManifestApps(manifest: AgentManifest, deps: ResolveDeps = {}): Promise<ResolvedApps> {
  const resolved: ResolvedApps = { specs: [], versions: {} };
  for (const app of manifest.apps) {
    try {
      const { spec, version } = await resolveAppWithVersion(app, manifest.logDir, deps);
      resolved.specs.push(spec);
      if (version !== undefined) resolved.versions[app.name] = version;
    } catch (err) {
      throw new Error(`app "${app.name}": ${(err as Error).message}`);
    }
  }
  return resolved;
}

export async function resolveApp(app: ManifestApp, logDir: string, deps: ResolveDeps = {}): Promise<AppSpec> {
  return (await resolveAppWithVersion(app, logDir, deps)).spec;
}

async function resolveAppWithVersion(app: ManifestApp, logDir: string, deps: ResolveDeps): Promise<{ spec: AppSpec; version?: string }> {
  const user = app.user ? (deps.lookupUser ?? lookupUser)(app.user) : undefined;
  const env = { ...(user ? userEnvironment(user) : {}), ...(deps.readEnv ?? readEnvFile)(app.envFile) };
  const { entries, system } = await processEntries(app, user, deps);
  const node = deps.execPath ?? process.execPath;
  const processes: ProcessSpec[] = entries.map((e) => ({ name: e.name, argv: runAs(user, [node, e.file]), ipc: e.ipc }));
  const health = system?.health?.enabled === false ? undefined : app.health;
  const spec: AppSpec = {
    name: app.name,
    processes,
    cwd: real(app.cwd, 'cwd'),
    env: { ...env, OMNITRON_APP_NAME: app.name, ...(app.revision ? { OMNITRON_APP_REVISION: app.revision } : {}) },
    dependsOn: app.dependsOn,
    critical: app.critical,
    startupTimeout: app.startupTimeout,
    ...(health ? { health } : {}),
    shutdown: overrideShutdown(app.shutdown, system?.shutdown),
    restart: app.restart,
    logs: { dir: logDir, ...app.logs },
  };
  return { spec, ...(system?.version !== undefined ? { version: system.version } : {}) };
}

interface Entry { name: string; file: string; ipc: boolean }

/** A script is one process; a bootstrap's defineSystem lists the processes and may tune shutdown and health. */
async function processEntries(app: ManifestApp, user: OsUser | undefined, deps: ResolveDeps): Promise<{ entries: Entry[]; system?: SystemDefinition }> {
  if (app.script) return { entries: [{ name: 'main', file: real(app.script, 'script'), ipc: false }] };
  const bootstrap = real(app.bootstrap!, 'bootstrap');
  const system = await loadSystem(bootstrap, app, user, deps);
  return { system, entries: system.processes.map((p) => ({ name: p.name, file: path.resolve(path.dirname(bootstrap), p.module), ipc: true })) };
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
