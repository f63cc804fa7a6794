/**
 * Loads an app's bootstrap, a module default-exporting `defineSystem({ name, processes })`. The
 * bootstrap imports `@omnitron-dev/omnitron`, which is not installed on nodes: a resolve hook maps it
 * to an inline module whose define functions return their argument.
 */
import { realpathSync, statSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

export interface SystemProcess { name: string; module: string }
export interface SystemDefinition { name: string; processes: SystemProcess[] }

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
  return { name: def.name, processes: def.processes.map((p) => ({ name: p.name, module: p.module })) };
}
