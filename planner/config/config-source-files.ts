/**
 * Where an import in a user's config files really points, the way tsx finds it: extensionless and
 * directory (`index`) imports, `./x.js` written for a `./x.ts`, and `tsconfig.json` `paths`.
 * Node's own resolver is always asked first; these are only its fallbacks.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createPathsMatcher, getTsconfig, type TsConfigResult } from 'get-tsconfig';

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json'] as const;
const JS_TO_TS: Record<string, readonly string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

/** The file an extensionless, directory or `.js`-for-`.ts` path names, if any. */
export function sourceFileFor(path: string): string | undefined {
  const ext = /\.[cm]?jsx?$/.exec(path)?.[0];
  if (ext) {
    for (const ts of JS_TO_TS[ext] ?? []) {
      const candidate = path.slice(0, -ext.length) + ts;
      if (isFile(candidate)) return candidate;
    }
  }
  for (const candidate of SOURCE_EXTENSIONS.map((e) => path + e)) if (isFile(candidate)) return candidate;
  if (isDirectory(path)) {
    for (const candidate of SOURCE_EXTENSIONS.map((e) => resolve(path, `index${e}`))) if (isFile(candidate)) return candidate;
  }
  return undefined;
}

const tsconfigs = new Map<string, TsConfigResult | null>();

/** The nearest tsconfig.json above `file` (cached per directory), or null. */
export function tsconfigFor(file: string): TsConfigResult | null {
  const dir = dirname(file);
  if (!tsconfigs.has(dir)) tsconfigs.set(dir, getTsconfig(dir));
  return tsconfigs.get(dir) ?? null;
}

/** A bare specifier mapped through the `paths` of the tsconfig governing `importer`, to an existing file. */
export function pathsTarget(specifier: string, importer: string): string | undefined {
  const tsconfig = tsconfigFor(importer);
  if (!tsconfig) return undefined;
  const match = createPathsMatcher(tsconfig);
  for (const candidate of match?.(specifier) ?? []) {
    const file = isFile(candidate) ? candidate : sourceFileFor(candidate);
    if (file) return file;
  }
  return undefined;
}

/** Forget cached tsconfigs, so a long-lived process sees edits to them. */
export function forgetTsconfigs(): void {
  tsconfigs.clear();
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
