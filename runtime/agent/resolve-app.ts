/**
 * Turns a manifest app into what the supervisor runs. Entry files are resolved through symlinks,
 * so a process keeps running the release it started from, and switching `current` to a new release
 * changes its argv: the next reload restarts exactly the apps whose release, env or policy changed.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { AppSpec, ProcessSpec } from '../supervisor/types.js';
import { readEnvFile } from './env-file.js';
import type { AgentManifest, ManifestApp } from './manifest.js';
import { lookupUser, type OsUser } from './os-user.js';
import { loadSystemDefinition, type SystemDefinition } from './system-definition.js';

export interface ResolveDeps {
  loadSystem?: (bootstrap: string) => Promise<SystemDefinition>;
  readEnv?: (file: string) => Record<string, string>;
  lookupUser?: (name: string) => OsUser;
  execPath?: string;
}

export const SETPRIV = '/usr/bin/setpriv';

export async function resolveApps(manifest: AgentManifest, deps: ResolveDeps = {}): Promise<AppSpec[]> {
  const specs: AppSpec[] = [];
  for (const app of manifest.apps) {
    try {
      specs.push(await resolveApp(app, manifest.logDir, deps));
    } catch (err) {
      throw new Error(`app "${app.name}": ${(err as Error).message}`);
    }
  }
  return specs;
}

export async function resolveApp(app: ManifestApp, logDir: string, deps: ResolveDeps = {}): Promise<AppSpec> {
  const user = app.user ? (deps.lookupUser ?? lookupUser)(app.user) : undefined;
  const env = { ...(user ? userEnvironment(user) : {}), ...(deps.readEnv ?? readEnvFile)(app.envFile) };
  const entries = await processEntries(app, deps);
  const node = deps.execPath ?? process.execPath;
  const processes: ProcessSpec[] = entries.map((e) => ({ name: e.name, argv: runAs(user, [node, e.file]), ipc: e.ipc }));
  return {
    name: app.name,
    processes,
    cwd: real(app.cwd, 'cwd'),
    env: { ...env, OMNITRON_APP_NAME: app.name },
    dependsOn: app.dependsOn,
    critical: app.critical,
    startupTimeout: app.startupTimeout,
    ...(app.health ? { health: app.health } : {}),
    shutdown: app.shutdown,
    restart: app.restart,
    logs: { dir: logDir, ...app.logs },
  };
}

interface Entry { name: string; file: string; ipc: boolean }

async function processEntries(app: ManifestApp, deps: ResolveDeps): Promise<Entry[]> {
  if (app.script) return [{ name: 'main', file: real(app.script, 'script'), ipc: false }];
  const bootstrap = real(app.bootstrap!, 'bootstrap');
  const system = await (deps.loadSystem ?? loadSystemDefinition)(bootstrap);
  return system.processes.map((p) => ({ name: p.name, file: path.resolve(path.dirname(bootstrap), p.module), ipc: true }));
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

/** setpriv (util-linux) switches uid, gid and supplementary groups, then execs: same pid, no shell. */
export function runAs(user: OsUser | undefined, argv: string[]): string[] {
  if (!user) return argv;
  return [SETPRIV, '--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', '--', ...argv];
}
