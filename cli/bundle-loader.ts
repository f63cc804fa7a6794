/**
 * Runs the CLI's one-file bundle (dist/bundle/cli.cjs, made by scripts/bundle.mjs) with a V8 code cache
 * taken at the end of a successful run, so the cache holds the bytecode of every function that run
 * compiled. Node's own compile cache is taken when a file is compiled, before any of its functions has
 * run: every no-op plan compiled the ~2,400 functions it calls again, ~80 ms of its ~520 ms of CPU.
 *
 * - One cache per command: each command calls different functions.
 * - Kept under the user's own cache directory, never a shared one: whoever can write a code cache
 *   chooses the code that runs.
 * - Named by the bundle's content hash and Node's version and architecture. V8 checks only a source's
 *   length, so the hash is what keeps an edited bundle from running another bundle's bytecode. V8 itself
 *   rejects a cache taken under other flags; the next successful run replaces it.
 * - A failed run writes none: a first run that stopped early would leave a cache missing most of the code.
 * - Off with NODE_DISABLE_COMPILE_CACHE=1, Node's own switch. Any error reading or writing the cache only
 *   means running without one.
 */
import { omnitronCacheDir } from '../planner/cache-dir.js';

// Taken as plain objects: an ES import of a built-in makes Node build a facade reading every export,
// and node:crypto's getters load WebCrypto. That cost ~15 ms here, before the CLI itself had loaded.
const { createHash } = process.getBuiltinModule('node:crypto');
const { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = process.getBuiltinModule('node:fs');
const { createRequire } = process.getBuiltinModule('node:module');
const path = process.getBuiltinModule('node:path');
const { fileURLToPath } = process.getBuiltinModule('node:url');
const vm = process.getBuiltinModule('node:vm');

/** `import()` in the bundle (a user's config, the ink views) goes to Node's own ES module loader. */
const NODE_IMPORT = vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER;
/** Exit codes of a run worth caching: success, and a plan with changes under --detailed-exitcode. */
const SUCCESSFUL_EXIT = new Set([0, 2]);

/** The bundle `npm run build` makes of cli/run.ts. */
export const CLI_BUNDLE = fileURLToPath(new URL('../bundle/cli.cjs', import.meta.url));

export interface BundleRun {
  /** Where caches go; none: run without one. */
  cacheDir?: string;
  /** The command this run serves (`plan`, `apply`…), which names its cache. */
  command: string;
}

/**
 * Where Node keeps its own compile cache for what it loads (a user's config, the packages loaded on
 * demand): NODE_COMPILE_CACHE when set, else beside the code caches rather than in the shared temp
 * directory Node would pick.
 */
export function nodeCompileCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.NODE_COMPILE_CACHE || path.join(omnitronCacheDir(env), 'node-compile-cache');
}

/** Where the caches go, from the environment: none when Node's compile cache is switched off. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.NODE_DISABLE_COMPILE_CACHE === '1' ? undefined : path.join(omnitronCacheDir(env), 'code');
}

/**
 * Runs `file`, a CommonJS module the build wrapped in its function expression (`(function (exports,
 * require, module, __filename, __dirname) {…})`), so V8 compiles the file's bytes as they are.
 */
export function runBundle(file: string, run: BundleRun): void {
  const bytes = readFileSync(file);
  const cacheFile = run.cacheDir === undefined ? undefined : path.join(run.cacheDir, cacheName(run.command, bytes));
  const cachedData = cacheFile === undefined ? undefined : readPrivate(cacheFile);
  // The build leaves the bundle pure ASCII (scripts/bundle.mjs), which latin1 decodes as it is, without a UTF-8 pass.
  const script = new vm.Script(bytes.toString('latin1'), { filename: file, cachedData, importModuleDynamically: NODE_IMPORT });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected)) {
    process.once('exit', (code) => {
      if (SUCCESSFUL_EXIT.has(code)) saveCache(cacheFile, run.command, script);
    });
  }
  withoutLoaderWarning();
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, path.dirname(file));
}

/** The command word of an argv (`plan` in `omnitron plan -c x`), as a file-name-safe cache label. */
export function commandOf(argv: readonly string[]): string {
  const word = argv.find((a) => !a.startsWith('-'));
  return word !== undefined && /^[a-z][a-z0-9-]{0,31}$/.test(word) ? word : 'other';
}

export function cacheName(command: string, bundle: Buffer): string {
  const hash = createHash('sha256').update(bundle).digest('base64url').slice(0, 22);
  return `${command}-${hash}-${process.version}-${process.arch}.v8cache`;
}

/** A cache's bytes, if it and its directory belong to this user and nobody else may write to them. */
function readPrivate(file: string): Buffer | undefined {
  try {
    if (!ownedAndPrivate(statSync(path.dirname(file)))) return undefined;
    const fd = openSync(file, 'r');
    try {
      return ownedAndPrivate(fstatSync(fd)) ? readFileSync(fd) : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

function ownedAndPrivate(stats: { uid: number; mode: number }): boolean {
  return (process.geteuid === undefined || stats.uid === process.geteuid()) && (stats.mode & 0o022) === 0;
}

/** Written whole under another name, then renamed: parallel runs each leave a complete file. Older caches of the command go. */
function saveCache(file: string, command: string, script: InstanceType<typeof vm.Script>): void {
  try {
    const dir = path.dirname(file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!ownedAndPrivate(statSync(dir))) return;
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
    renameSync(partial, file);
    const older = new RegExp(`^${command}-[\\w-]{22}-v[\\d.]+-\\w+\\.v8cache$`);
    for (const name of readdirSync(dir)) {
      if (older.test(name) && name !== path.basename(file)) rmSync(path.join(dir, name), { force: true });
    }
  } catch {
    // Without a cache the next run compiles as this one did.
  }
}

/**
 * Node warns, once per process, that the loader option above is experimental. The bundle is ours and
 * the option is how its `import()` works at all, so that one warning is taken here with a throwaway
 * import; every other warning still prints.
 */
function withoutLoaderWarning(): void {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (!String(warning).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    void (new vm.Script('import("node:path")', { importModuleDynamically: NODE_IMPORT }).runInThisContext() as Promise<unknown>);
  } finally {
    process.emitWarning = emit;
  }
}
