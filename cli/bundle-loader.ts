/**
 * Runs the CLI's one-file bundle (dist/bundle/cli.cjs, made by scripts/bundle.mjs) with a V8 code cache
 * taken at the end of a successful run, so the cache holds the bytecode of every function that run
 * compiled. Node's own compile cache is taken when a file is compiled, before any of its functions has
 * run: every no-op plan compiled the ~2,400 functions it calls again, ~80 ms of its ~520 ms of CPU. The
 * bundle is a script rather than an ES module because only a script's cache can be taken after it ran
 * (so it has no top-level await: cli/run.ts hands its outcome back instead).
 *
 * - One cache per command: each command calls different functions.
 * - Kept under the user's own cache directory, and used only while it and its directory are the user's
 *   and nobody else may write to them: whoever can write a code cache chooses the code that runs.
 * - Named by the bundle's content hash and Node's version and architecture. V8 checks only a source's
 *   length, so the hash is what keeps an edited bundle from running another bundle's bytecode. V8 itself
 *   rejects a cache taken under other flags; the next successful run replaces it.
 * - Each file starts with a sha256 of the rest: V8 checks no checksum, and deserializing damaged bytes
 *   (a crash mid-write, a bad disk) kills the process, on every run until someone deletes the file.
 * - Written only at the exit of a run that succeeded, and again by the next two that succeed: a run
 *   compiles what it calls and keeps what the cache held, so the cache grows to the union of what those
 *   runs called. The first run alone (a small stack, a `plan` that found nothing to read) would leave out
 *   code the next ones need. After GENERATIONS writes it stays as it is.
 * - Off with NODE_DISABLE_COMPILE_CACHE=1, Node's own switch. Any error reading or writing the cache only
 *   means running without one.
 */
import { omnitronCacheDir } from '../planner/cache-dir.js';

// Taken as plain objects: an ES import of a built-in makes Node build a facade reading every export,
// and node:crypto's getters load WebCrypto. That cost ~15 ms here, before the CLI itself had loaded.
const { createHash, randomUUID } = process.getBuiltinModule('node:crypto');
const fs = process.getBuiltinModule('node:fs');
const { createRequire } = process.getBuiltinModule('node:module');
const path = process.getBuiltinModule('node:path');
const { fileURLToPath } = process.getBuiltinModule('node:url');
const vm = process.getBuiltinModule('node:vm');

/** `import()` in the bundle (a user's config, the ink views) goes to Node's own ES module loader. */
const NODE_IMPORT = vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER;
/** Exit codes of a run worth caching: success, and a plan with changes under --detailed-exitcode. */
const SUCCESSFUL_EXIT = new Set([0, 2]);
/** A cache file: the sha256 of the rest, the generation (how many runs wrote it, uint32 LE), V8's data. */
const DIGEST_BYTES = 32;
const HEADER_BYTES = DIGEST_BYTES + 4;
const GENERATIONS = 3;
/** Caches kept per command: two installs (or two Node versions) in turn each keep theirs. */
const KEPT_PER_COMMAND = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The bundle `npm run build` makes of cli/run.ts. */
export const CLI_BUNDLE = fileURLToPath(new URL('../bundle/cli.cjs', import.meta.url));

export interface BundleRun {
  /** Where caches go; none: run without one. */
  cacheDir?: string;
  /** The command this run serves (`plan`, `apply`…), which names its cache. */
  command: string;
}

/** What cli/run.ts exports: a promise that settles when its command has finished. */
interface CliExports { finished?: Promise<unknown> }

interface CodeCache { data: Buffer; generation: number }

/** Where the caches go, from the environment: none when Node's compile cache is switched off or there is no home to keep them in. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE === '1') return undefined;
  try {
    return path.join(omnitronCacheDir(env), 'code');
  } catch {
    return undefined;
  }
}

/**
 * Where Node keeps its own compile cache for what it loads (a user's config, the packages loaded on
 * demand): NODE_COMPILE_CACHE when set, else a private directory beside the code caches rather than the
 * shared temp directory Node would pick; none when that directory is not private.
 */
export function nodeCompileCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NODE_COMPILE_CACHE) return env.NODE_COMPILE_CACHE;
  try {
    const dir = path.join(omnitronCacheDir(env), 'node-compile-cache');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return ownedAndPrivate(fs.statSync(dir)) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `file`, a CommonJS module the build wrapped in its function expression (`(function (exports,
 * require, module, __filename, __dirname) {…})`), so V8 compiles the file's bytes as they are. Settles
 * when its command has finished.
 */
export function runBundle(file: string, run: BundleRun): Promise<unknown> {
  const bytes = fs.readFileSync(file);
  const cacheFile = run.cacheDir === undefined ? undefined : path.join(run.cacheDir, cacheName(run.command, bytes));
  // The build leaves the bundle pure ASCII (scripts/bundle.mjs), which latin1 decodes as it is, without a UTF-8 pass.
  const source = bytes.toString('latin1');
  // Read into the bundle's buffer, whose bytes `source` now holds a copy of: fresh memory costs a page
  // fault per 4 KB, and on a VM at ~12 µs each a plan's 1.6 MB cache took ~5 ms more.
  const cache = cacheFile === undefined ? undefined : readCache(cacheFile, bytes);
  const script = new vm.Script(source, { filename: file, cachedData: cache?.data, importModuleDynamically: NODE_IMPORT });
  if (cacheFile !== undefined && (cache === undefined || script.cachedDataRejected || cache.generation < GENERATIONS)) {
    const generation = cache === undefined || script.cachedDataRejected ? 1 : cache.generation + 1;
    // Taken at exit, when the run has compiled all it will.
    process.once('exit', (code) => {
      if (SUCCESSFUL_EXIT.has(code)) saveCache(cacheFile, run.command, script, generation);
    });
  }
  withoutLoaderWarning();
  const module: { exports: CliExports } = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, path.dirname(file));
  return module.exports.finished ?? Promise.resolve();
}

/**
 * The command word of an argv (`plan` in `omnitron plan -c x`), as a file-name-safe cache label. Help and
 * the version are `other`: `plan --help` runs none of plan's code.
 */
export function commandOf(argv: readonly string[]): string {
  if (argv.some((a) => a === '-h' || a === '--help' || a === '-V' || a === '--version')) return 'other';
  const word = argv.find((a) => !a.startsWith('-'));
  return word !== undefined && /^[a-z][a-z0-9-]{0,31}$/.test(word) ? word : 'other';
}

export function cacheName(command: string, bundle: Buffer): string {
  const hash = createHash('sha256').update(bundle).digest('base64url').slice(0, 22);
  return `${command}-${hash}-${process.version}-${process.arch}.v8cache`;
}

function digest(body: Buffer): Buffer {
  return createHash('sha256').update(body).digest();
}

/**
 * A cache, if the file is whole and it and its directory belong to this user and nobody else may write to
 * them; read into `scratch` when it fits.
 */
export function readCache(file: string, scratch: Buffer): CodeCache | undefined {
  try {
    if (!ownedAndPrivate(fs.statSync(path.dirname(file)))) return undefined;
    const fd = fs.openSync(file, 'r');
    try {
      const stats = fs.fstatSync(fd);
      if (!ownedAndPrivate(stats)) return undefined;
      const bytes = readWhole(fd, stats.size <= scratch.length ? scratch.subarray(0, stats.size) : Buffer.allocUnsafe(stats.size));
      if (bytes.length <= HEADER_BYTES || !digest(bytes.subarray(DIGEST_BYTES)).equals(bytes.subarray(0, DIGEST_BYTES))) return undefined;
      return { generation: bytes.readUInt32LE(DIGEST_BYTES), data: bytes.subarray(HEADER_BYTES) };
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** `into` filled from the start of the file; shorter if the file ended first. */
function readWhole(fd: number, into: Buffer): Buffer {
  let filled = 0;
  while (filled < into.length) {
    const n = fs.readSync(fd, into, filled, into.length - filled, filled);
    if (n === 0) break;
    filled += n;
  }
  return into.subarray(0, filled);
}

function ownedAndPrivate(stats: { uid: number; mode: number }): boolean {
  return (process.geteuid === undefined || stats.uid === process.geteuid()) && (stats.mode & 0o022) === 0;
}

/**
 * Written whole under a name of its own, then renamed: parallel runs each leave a complete file. Not
 * synced: a file a crash left torn fails its checksum and is written again.
 */
function saveCache(file: string, command: string, script: InstanceType<typeof vm.Script>, generation: number): void {
  try {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!ownedAndPrivate(fs.statSync(dir))) return;
    const body = Buffer.alloc(4);
    body.writeUInt32LE(generation);
    const rest = Buffer.concat([body, script.createCachedData()]);
    const partial = `${file}.${randomUUID()}.partial`;
    const fd = fs.openSync(partial, 'wx', 0o600);
    try {
      fs.writeFileSync(fd, Buffer.concat([digest(rest), rest]));
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(partial, file);
    pruneCaches(dir, command);
  } catch {
    // Without a cache the next run compiles as this one did.
  }
}

/** Keeps the command's most recently written caches, and drops what a crash mid-write left behind. */
function pruneCaches(dir: string, command: string): void {
  const ofCommand = new RegExp(`^${command}-[\\w-]{22}-.+\\.v8cache$`);
  const caches: Array<{ file: string; mtimeMs: number }> = [];
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (name.endsWith('.partial')) {
      if (Date.now() - fs.statSync(file).mtimeMs > DAY_MS) fs.rmSync(file, { force: true });
    } else if (ofCommand.test(name)) {
      caches.push({ file, mtimeMs: fs.statSync(file).mtimeMs });
    }
  }
  for (const { file } of caches.sort((a, b) => b.mtimeMs - a.mtimeMs).slice(KEPT_PER_COMMAND)) fs.rmSync(file, { force: true });
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
