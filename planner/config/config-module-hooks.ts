/**
 * Node module hooks that let a user's config load the way the daemon's tsx loads it: our own typed
 * export for `@omnitron-dev/omnitron(/config)`, TypeScript transformed rather than only stripped,
 * tsx's resolution fallbacks, and JSON imported without `with { type: 'json' }`. Files inside
 * node_modules are left to Node.
 */
import { readFileSync } from 'node:fs';
import { registerHooks, type LoadHookContext, type LoadFnOutput, type ResolveFnOutput, type ResolveHookContext } from 'node:module';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pathsTarget, sourceFileFor } from './config-source-files.js';
import { transformConfigSource } from './transform-config-source.js';

const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/;
const JS_IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(['default', 'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'delete', 'do', 'else',
  'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return',
  'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static', 'implements',
  'interface', 'package', 'private', 'protected', 'public']);

let loading = 0;
let sourceMapsBefore = false;

/**
 * Runs `load` with the hooks (and source maps, so errors name the config's own lines) on. They are off
 * again afterwards: every module Node loads while they are on pays for them, the CLI's packages too.
 */
export async function withConfigHooks<T>(aliases: readonly string[], aliasUrl: string, load: () => Promise<T>): Promise<T> {
  const hooks = registerHooks({
    resolve(specifier, context, nextResolve) {
      if (aliases.includes(specifier)) return { url: aliasUrl, shortCircuit: true };
      return resolveUserImport(specifier, context, nextResolve);
    },
    load(url, context, nextLoad) {
      return loadUserFile(url, context, nextLoad);
    },
  });
  if (loading++ === 0) {
    sourceMapsBefore = process.sourceMapsEnabled;
    process.setSourceMapsEnabled(true);
  }
  try {
    return await load();
  } finally {
    hooks.deregister();
    if (--loading === 0) process.setSourceMapsEnabled(sourceMapsBefore);
  }
}

type NextResolve = (specifier: string, context?: Partial<ResolveHookContext>) => ResolveFnOutput;
type NextLoad = (url: string, context?: Partial<LoadHookContext>) => LoadFnOutput;

function resolveUserImport(specifier: string, context: ResolveHookContext, nextResolve: NextResolve): ResolveFnOutput {
  const importer = userFile(context.parentURL);
  if (!importer) return nextResolve(specifier, context);
  const relative = /^\.{1,2}(?:\/|$)/.test(specifier) || isAbsolute(specifier) || specifier.startsWith('file:');
  if (!relative) {
    const mapped = pathsTarget(specifier, importer);
    if (mapped) return { url: pathToFileURL(mapped).href, shortCircuit: true };
    return nextResolve(specifier, context);
  }
  try {
    return nextResolve(specifier, context);
  } catch (err) {
    const path = specifier.startsWith('file:') ? fileURLToPath(specifier) : resolvePath(importer, '..', specifier);
    const found = sourceFileFor(path);
    if (!found) throw err;
    return { url: pathToFileURL(found).href, shortCircuit: true };
  }
}

function loadUserFile(url: string, context: LoadHookContext, nextLoad: NextLoad): LoadFnOutput {
  const file = userFile(url);
  if (!file) return nextLoad(url, context);
  if (TYPESCRIPT.test(file)) {
    const { code, format } = transformConfigSource(file, readFileSync(file, 'utf8'));
    return { format, source: code, shortCircuit: true };
  }
  const imported = !context.conditions?.includes('require');
  if (file.endsWith('.json') && imported && context.importAttributes?.type !== 'json') {
    return { format: 'module', source: jsonModule(readFileSync(file, 'utf8')), shortCircuit: true };
  }
  return nextLoad(url, context);
}

/** A JSON file as a module: the value as default export, and top-level keys that are names as named exports. */
function jsonModule(text: string): string {
  const value: unknown = JSON.parse(text);
  const lines = [`const value = ${JSON.stringify(value)};`, 'export default value;'];
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of Object.keys(value)) {
      if (JS_IDENTIFIER.test(key) && !RESERVED.has(key)) lines.push(`export const ${key} = value[${JSON.stringify(key)}];`);
    }
  }
  return lines.join('\n');
}

/** The path of a file: URL outside node_modules, which is where the user's own config code lives. */
function userFile(url: string | undefined): string | undefined {
  if (!url?.startsWith('file:')) return undefined;
  const path = fileURLToPath(url);
  return path.includes('/node_modules/') ? undefined : path;
}
