/**
 * Loads an app's bootstrap, a module default-exporting `defineSystem({ name, processes })`. The
 * bootstrap imports `@omnitron-dev/omnitron`, which is not installed on nodes: a resolve hook maps it
 * to an inline module whose define functions return their argument.
 */
import { realpathSync, statSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

export interface SystemProcess { name: string; module: string }
/** Overrides of the manifest app's shutdown policy, field by field (ms for `timeout`). */
export interface SystemShutdown { priority?: number; timeout?: number }
export interface SystemDefinition {
  name: string;
  /** The version the app's services are announced with in discovery. */
  version?: string;
  processes: SystemProcess[];
  shutdown?: SystemShutdown;
  /** `enabled: false` turns off the health check the manifest configures. */
  health?: { enabled?: boolean };
}

const DEFINE_MODULE = `data:text/javascript,${encodeURIComponent('export const defineSystem = (d) => d; export const defineEcosystem = (d) => d; export default { defineSystem, defineEcosystem };')}`;
const OMNITRON_SPECIFIER = /^@omnitron-dev\/omnitron(\/config)?$/;

let hookRegistered = false;

/** Process-wide and idempotent: Node's module hooks cannot be scoped to one import. */
export function registerDefineHook(): void {
  if (hookRegistered) return;
  registerHooks({
    resolve: (specifier, context, next) => (OMNITRON_SPECIFIER.test(specifier) ? { url: DEFINE_MODULE, shortCircuit: true } : next(specifier, context)),
  });
  hookRegistered = true;
}

/**
 * Imports the bootstrap afresh whenever the file changed (the query busts Node's module cache, so
 * a reload sees a rebuilt bootstrap), and checks the shape the runtime relies on.
 */
export async function loadSystemDefinition(bootstrap: string): Promise<SystemDefinition> {
  registerDefineHook();
  const real = realpathSync(bootstrap);
  const { mtimeMs, size } = statSync(real);
  const url = `${pathToFileURL(real).href}?v=${mtimeMs}-${size}`;
  const loaded = (await import(url)) as { default?: unknown };
  return checkDefinition(loaded.default, bootstrap);
}

export function checkDefinition(value: unknown, bootstrap: string): SystemDefinition {
  const def = value as Partial<SystemDefinition> | undefined;
  const fail = (what: string) => new Error(`${bootstrap}: ${what}; expected a default export defineSystem({ name, processes: [{ name, module }] })`);
  if (!def || typeof def !== 'object') throw fail('no default export');
  if (typeof def.name !== 'string' || !def.name) throw fail('"name" is missing');
  if (!Array.isArray(def.processes) || def.processes.length === 0) throw fail('"processes" is empty');
  def.processes.forEach((p, i) => {
    if (typeof p?.name !== 'string' || !p.name) throw fail(`processes[${i}].name is missing`);
    if (typeof p.module !== 'string' || !p.module) throw fail(`processes[${i}].module is missing`);
  });
  const names = def.processes.map((p) => p.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw fail(`process "${dup}" is defined twice`);
  return {
    name: def.name,
    processes: def.processes.map((p) => ({ name: p.name, module: p.module })),
    ...checkOptional(def as Record<string, unknown>, bootstrap),
  };
}

type Optional = Pick<SystemDefinition, 'version' | 'shutdown' | 'health'>;

/** `version`, `shutdown` and `health`, each left out when the definition does not set it. */
function checkOptional(def: Record<string, unknown>, bootstrap: string): Optional {
  const invalid = (field: string, expected: string, got: unknown) =>
    new Error(`${bootstrap}: defineSystem "${field}" must be ${expected}, got ${describeValue(got)}`);
  const out: Optional = {};
  if (def.version !== undefined) {
    if (typeof def.version !== 'string' || def.version === '') throw invalid('version', 'a non-empty string', def.version);
    out.version = def.version;
  }
  if (def.shutdown !== undefined) out.shutdown = checkShutdown(def.shutdown, invalid);
  if (def.health !== undefined) {
    const health = def.health as { enabled?: unknown } | null;
    if (!isObject(health)) throw invalid('health', 'an object like { enabled: false }', health);
    if (health.enabled !== undefined && typeof health.enabled !== 'boolean') throw invalid('health.enabled', 'true or false', health.enabled);
    out.health = health.enabled === undefined ? {} : { enabled: health.enabled };
  }
  return out;
}

type Invalid = (field: string, expected: string, got: unknown) => Error;

function checkShutdown(value: unknown, invalid: Invalid): SystemShutdown {
  if (!isObject(value)) throw invalid('shutdown', 'an object like { priority: 10, timeout: 30000 }', value);
  const { priority, timeout } = value as { priority?: unknown; timeout?: unknown };
  if (priority !== undefined && !Number.isInteger(priority)) throw invalid('shutdown.priority', 'a whole number', priority);
  if (timeout !== undefined && !(Number.isInteger(timeout) && (timeout as number) > 0)) {
    throw invalid('shutdown.timeout', 'a positive whole number of milliseconds', timeout);
  }
  return { ...(priority !== undefined ? { priority: priority as number } : {}), ...(timeout !== undefined ? { timeout: timeout as number } : {}) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}
