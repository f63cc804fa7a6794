/**
 * Loads an app's bootstrap, a module default-exporting `defineSystem({ name, processes })`. The
 * bootstrap imports `@omnitron-dev/omnitron`, which is not installed on nodes: a resolve hook maps it
 * to an inline module whose define functions return their argument.
 */
import { realpathSync, statSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

/** A process as the agent runs it: each optional field is left out when the definition does not set it. */
export interface SystemProcess {
  name: string;
  module: string;
  /** false: a worker whose failure past its restart budget leaves the app running. */
  critical?: boolean;
  /** ms */
  startupTimeout?: number;
  health?: { enabled?: boolean; interval?: number; timeout?: number };
}
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
  /** Fields the definition sets that the agent does not use (field paths, e.g. `processes[0].topology`). */
  ignored?: string[];
}

/** What the agent reads of a defineSystem; anything else the definition sets is reported as ignored. */
const USED_TOP = new Set(['name', 'version', 'processes', 'shutdown', 'health', 'ignored']);
const USED_SHUTDOWN = new Set(['priority', 'timeout']);
const USED_PROCESS = new Set(['name', 'module', 'critical', 'startupTimeout', 'health']);
const USED_PROCESS_HEALTH = new Set(['enabled', 'interval', 'timeout']);

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
  const invalid: Invalid = (field, expected, got) => new Error(`${bootstrap}: defineSystem "${field}" must be ${expected}, got ${describeValue(got)}`);
  const ignored = ignoredFields(def as Record<string, unknown>);
  return {
    name: def.name,
    processes: def.processes.map((p, i) => checkProcess(p as unknown as Record<string, unknown>, i, invalid)),
    ...checkOptional(def as Record<string, unknown>, bootstrap),
    ...(ignored.length ? { ignored } : {}),
  };
}

function checkProcess(p: Record<string, unknown>, i: number, invalid: Invalid): SystemProcess {
  const at = (field: string) => `processes[${i}].${field}`;
  const out: SystemProcess = { name: p.name as string, module: p.module as string };
  if (p.critical !== undefined) {
    if (typeof p.critical !== 'boolean') throw invalid(at('critical'), 'true or false', p.critical);
    out.critical = p.critical;
  }
  if (p.startupTimeout !== undefined) out.startupTimeout = positiveMs(p.startupTimeout, at('startupTimeout'), invalid);
  if (p.health !== undefined) {
    if (!isObject(p.health)) throw invalid(at('health'), 'an object like { enabled: true, interval: 30000 }', p.health);
    const h = p.health;
    if (h.enabled !== undefined && typeof h.enabled !== 'boolean') throw invalid(at('health.enabled'), 'true or false', h.enabled);
    out.health = {
      ...(h.enabled !== undefined ? { enabled: h.enabled as boolean } : {}),
      ...(h.interval !== undefined ? { interval: positiveMs(h.interval, at('health.interval'), invalid) } : {}),
      ...(h.timeout !== undefined ? { timeout: positiveMs(h.timeout, at('health.timeout'), invalid) } : {}),
    };
  }
  return out;
}

function positiveMs(value: unknown, field: string, invalid: Invalid): number {
  if (!(Number.isInteger(value) && (value as number) > 0)) throw invalid(field, 'a positive whole number of milliseconds', value);
  return value as number;
}

/** Set fields the agent has no use for, as field paths; those already reported by a reader child are kept. */
function ignoredFields(def: Record<string, unknown>): string[] {
  const set = (o: Record<string, unknown>, key: string) => o[key] !== undefined;
  const out = Object.keys(def).filter((k) => set(def, k) && !USED_TOP.has(k));
  if (isObject(def.shutdown)) out.push(...Object.keys(def.shutdown).filter((k) => set(def.shutdown as Record<string, unknown>, k) && !USED_SHUTDOWN.has(k)).map((k) => `shutdown.${k}`));
  (def.processes as unknown[]).forEach((p, i) => {
    if (!isObject(p)) return;
    out.push(...Object.keys(p).filter((k) => set(p, k) && !USED_PROCESS.has(k)).map((k) => `processes[${i}].${k}`));
    if (isObject(p.health)) out.push(...Object.keys(p.health).filter((k) => set(p.health as Record<string, unknown>, k) && !USED_PROCESS_HEALTH.has(k)).map((k) => `processes[${i}].health.${k}`));
  });
  const earlier = Array.isArray(def.ignored) ? def.ignored.filter((f): f is string => typeof f === 'string') : [];
  return [...earlier, ...out];
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
