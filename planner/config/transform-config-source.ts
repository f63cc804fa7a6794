/**
 * Turns one TypeScript config file into JavaScript Node can run, as tsx would: esbuild's transform
 * (enums, namespaces, parameter properties, decorators, types imported without `type`), honouring the
 * governing tsconfig.json, with an inline source map so errors point at the user's own lines.
 * Results are cached by content, so an unchanged config never starts esbuild.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { TransformOptions } from 'esbuild';
import { omnitronCacheDir } from '../cache-dir.js';
import { tsconfigFor } from './config-source-files.js';

export type ModuleFormat = 'module' | 'commonjs';

export interface TransformedSource {
  code: string;
  format: ModuleFormat;
}

/** A syntax error in a config source file, with where it is. */
export class ConfigSyntaxError extends SyntaxError {
  constructor(message: string, readonly file: string, readonly line: number | undefined) {
    super(message);
    this.name = 'SyntaxError';
  }
}

const require = createRequire(import.meta.url);
const CACHE_FORMAT = 1;
// The tsconfig fields that change what esbuild emits for a file.
const TSCONFIG_FIELDS = ['experimentalDecorators', 'useDefineForClassFields', 'verbatimModuleSyntax', 'preserveValueImports',
  'importsNotUsedAsValues', 'jsx', 'jsxFactory', 'jsxFragmentFactory', 'jsxImportSource'] as const;

export function transformConfigSource(file: string, source: string): TransformedSource {
  const options = transformOptions(file);
  const key = createHash('sha256').update(JSON.stringify([CACHE_FORMAT, esbuildVersion(), process.version, options])).update('\0').update(source).digest('hex');
  const cached = readCache(key);
  if (cached) return cached;
  const result = runEsbuild(file, source, options);
  writeCache(key, result);
  return result;
}

function transformOptions(file: string): TransformOptions {
  const compilerOptions = tsconfigFor(file)?.config.compilerOptions ?? {};
  const picked = Object.fromEntries(TSCONFIG_FIELDS.filter((f) => compilerOptions[f] !== undefined).map((f) => [f, compilerOptions[f]]));
  return {
    loader: file.endsWith('.tsx') ? 'tsx' : 'ts',
    ...(file.endsWith('.cts') ? { format: 'cjs' as const } : file.endsWith('.mts') ? { format: 'esm' as const } : {}),
    sourcefile: file,
    sourcemap: 'inline',
    target: `node${process.versions.node.split('.')[0]}`,
    tsconfigRaw: { compilerOptions: picked },
  };
}

function runEsbuild(file: string, source: string, options: TransformOptions): TransformedSource {
  const esbuild = require('esbuild') as typeof import('esbuild');
  let code: string;
  try {
    code = esbuild.transformSync(source, options).code;
  } catch (e) {
    const first = (e as { errors?: { text: string; location?: { line: number } | null }[] }).errors?.[0];
    if (!first) throw e;
    throw new ConfigSyntaxError(first.text, file, first.location?.line);
  }
  const format = moduleFormat(file, code);
  return { code: format === 'module' ? withCommonJsNames(code) : code, format };
}

/** `.mts`/`.cts` say so; otherwise a file with import/export syntax is a module, anything else CommonJS. */
function moduleFormat(file: string, code: string): ModuleFormat {
  if (file.endsWith('.mts')) return 'module';
  if (file.endsWith('.cts')) return 'commonjs';
  return /^(?:import\s*[\w*{"']|export\s)/m.test(code) ? 'module' : 'commonjs';
}

/**
 * tsx lets ES-module configs use `__dirname`, `__filename` and `require`; give them the same, on the
 * first line so the source map's lines still hold.
 */
function withCommonJsNames(code: string): string {
  const uses = (name: string) => new RegExp(`\\b${name}\\b`).test(code) && !new RegExp(`\\b(?:var|let|const|function|class)\\s+${name}\\b`).test(code);
  let prefix = '';
  if (uses('require')) prefix += "import { createRequire as __omnitronCreateRequire } from 'node:module'; const require = __omnitronCreateRequire(import.meta.url); ";
  if (uses('__dirname')) prefix += 'const __dirname = import.meta.dirname; ';
  if (uses('__filename')) prefix += 'const __filename = import.meta.filename; ';
  return prefix + code;
}

let esbuildVersionRead: string | undefined;

/** Read once per process: every file of a config asks for it as part of its cache key. */
function esbuildVersion(): string {
  esbuildVersionRead ??= (JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')) as { version: string }).version;
  return esbuildVersionRead;
}

function cachePath(key: string): string {
  return join(omnitronCacheDir(), 'config-transform', `${key}.json`);
}

function readCache(key: string): TransformedSource | undefined {
  try {
    return JSON.parse(readFileSync(cachePath(key), 'utf8')) as TransformedSource;
  } catch {
    return undefined;
  }
}

/** Best effort: a read-only home just means transforming again next time. */
function writeCache(key: string, result: TransformedSource): void {
  const file = cachePath(key);
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(result));
    renameSync(temp, file);
  } catch {
    // not cached
  }
}
