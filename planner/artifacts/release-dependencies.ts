/**
 * The node_modules a release carries, built on this machine at apply: `npm ci --omit=dev
 * --ignore-scripts` for the node's platform (`--os=linux --cpu=…`), run once per lockfile, set of
 * package.json files and platform in a cache under the project's `.omnitron/npm/`, then each package
 * of the app's closure copied to its place in the release (linked workspace packages from the project,
 * as they were hashed). Install scripts never run here: packages with one were refused when the
 * lockfile was read. Only the npm registry the project's npm config names is contacted.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../diagnostics.js';
import type { AppDependencies, DependencyPackage } from '../config/app-dependencies.js';

const run = promisify(execFile);
const NPM_CPU: Readonly<Record<string, string>> = { x86_64: 'x64', amd64: 'x64', aarch64: 'arm64', arm64: 'arm64' };
const COMPLETE = '.omnitron-complete';
/** One install per cache directory at a time within this process (several apps share a workspace). */
const installing = new Map<string, Promise<string>>();

/** npm's name for a machine type (`uname -m`). */
export function npmCpu(machine: string): string {
  return NPM_CPU[machine] ?? machine;
}

export interface AssembleOptions {
  app: string;
  deps: AppDependencies;
  /** The closure packages to place (already narrowed to the node's platform). */
  packages: DependencyPackage[];
  /** Linked packages' tars, by source location, exactly as the release digest hashed them. */
  links: ReadonlyMap<string, Buffer>;
  machine: string;
  cacheDir: string;
  into: string;
  extract: (tar: Buffer, dir: string) => Promise<unknown>;
}

/** Lays out `node_modules` for the release under `into`. */
export async function assembleDependencies(o: AssembleOptions): Promise<void> {
  const needsInstall = o.packages.some((p) => !p.link);
  const installed = needsInstall ? await installedTree(o.app, o.deps, o.machine, o.cacheDir) : '';
  // Sorted by place: a package lands before the packages nested in its node_modules.
  for (const p of [...o.packages].sort((a, b) => (a.at < b.at ? -1 : 1))) {
    const dest = path.join(o.into, p.at);
    await mkdir(dest, { recursive: true });
    if (p.link) {
      await o.extract(o.links.get(p.from)!, dest);
      continue;
    }
    const src = path.join(installed, p.from);
    if (!(await stat(src).catch(() => undefined))) {
      throw new UserError({ severity: 'error', summary: `app "${o.app}": npm ci did not install ${p.name}@${p.version ?? '?'} (${p.from})`, detail: `the lockfile ${o.deps.lockfile} pins it; check that it installs for linux-${npmCpu(o.machine)} (npm ci --omit=dev)` });
    }
    // Nested node_modules are placed package by package; what lies there beyond the closure stays out.
    await cp(src, dest, { recursive: true, verbatimSymlinks: true, filter: (from) => from === src || path.relative(src, from).split(path.sep)[0] !== 'node_modules' });
  }
}

/** The cache directory where `npm ci` ran for this lockfile, these package.json files and this platform. */
async function installedTree(app: string, deps: AppDependencies, machine: string, cacheDir: string): Promise<string> {
  const key = await installKey(deps, machine);
  const dir = path.join(cacheDir, 'npm', key);
  let pending = installing.get(dir);
  if (!pending) {
    pending = ensureInstalled(app, deps, machine, dir).finally(() => installing.delete(dir));
    installing.set(dir, pending);
  }
  return pending;
}

async function installKey(deps: AppDependencies, machine: string): Promise<string> {
  const hash = createHash('sha256').update(`linux-${npmCpu(machine)}\0`).update(await readFile(deps.lockfile));
  for (const manifest of deps.manifests) hash.update(`\0${manifest}\0`).update(await readFile(path.join(deps.projectRoot, manifest)).catch(() => Buffer.alloc(0)));
  return hash.digest('hex').slice(0, 32);
}

async function ensureInstalled(app: string, deps: AppDependencies, machine: string, dir: string): Promise<string> {
  if (await stat(path.join(dir, COMPLETE)).catch(() => undefined)) return dir;
  const tmp = `${dir}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await stageManifests(deps, tmp);
    await npmCi(app, deps, machine, path.join(tmp, deps.installRootRel));
    await writeFile(path.join(tmp, COMPLETE), '');
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** The install root's lockfile and .npmrc, and every package.json npm ci reads, at their places in the project. */
async function stageManifests(deps: AppDependencies, tmp: string): Promise<void> {
  const root = path.join(tmp, deps.installRootRel);
  await mkdir(root, { recursive: true });
  await copyFile(deps.lockfile, path.join(root, path.basename(deps.lockfile)));
  await copyFile(path.join(deps.installRoot, '.npmrc'), path.join(root, '.npmrc')).catch(() => undefined);
  for (const manifest of deps.manifests) {
    await mkdir(path.dirname(path.join(tmp, manifest)), { recursive: true });
    await copyFile(path.join(deps.projectRoot, manifest), path.join(tmp, manifest));
  }
}

async function npmCi(app: string, deps: AppDependencies, machine: string, cwd: string): Promise<void> {
  const argv = ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--no-progress', '--os=linux', `--cpu=${npmCpu(machine)}`];
  try {
    await run('npm', argv, { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    const why = e.code === 'ENOENT' ? 'npm is not installed on this machine' : (e.stderr ?? '').trim().split('\n').filter((l) => /ERR!|error/i.test(l)).slice(-6).join('\n') || e.message;
    throw new UserError({
      severity: 'error', summary: `app "${app}": installing its dependencies from ${path.relative(deps.projectRoot, deps.lockfile)} failed (npm ${argv.join(' ')})`,
      detail: `${why}\nomnitron installs a release's dependencies with npm on this machine, from the registry your npm config names.`,
    });
  }
}
