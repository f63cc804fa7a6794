/**
 * An app's production dependencies as its release will carry them, read from npm's lockfile alone
 * (nothing is installed here): the app's own `package-lock.json`, or the one of the npm workspace the
 * app belongs to. The closure starts at the app's `dependencies` (and optional and peer ones), follows
 * Node's resolution through the lockfile's `packages` map (workspace and `file:` links included), and
 * skips dev dependencies. Each package gets its place in the release's `node_modules`, and every
 * require edge is checked to resolve there to the same package it resolves to in the project.
 *
 * Packages with install scripts are refused: releases are installed with scripts off, and a native
 * addon (node-gyp, prebuilt downloads) would have to be built for the node's platform, which omnitron
 * cannot do (no toolchain or Node headers on the nodes, no network but the npm registry).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { error, type Diagnostic } from '../diagnostics.js';

export const LOCKFILES = ['npm-shrinkwrap.json', 'package-lock.json'] as const;

/** One package of the closure. Locations are posix paths relative to the project root. */
export interface DependencyPackage {
  name: string;
  /** Where it lies in the release, e.g. `node_modules/@platform/auth-utils`. */
  at: string;
  /** Where npm installs it (under the install root) or, for a link, the source directory. */
  from: string;
  link: boolean;
  version?: string;
  integrity?: string;
  /** npm's `os` / `cpu` constraints: the package is built for some platforms only. */
  os?: string[];
  cpu?: string[];
}

export interface AppDependencies {
  app: string;
  /** Absolute: the project's root, which every location below is relative to. */
  projectRoot: string;
  /** Absolute: the directory holding the lockfile, where `npm ci` runs. */
  installRoot: string;
  lockfile: string;
  /** Relative to the project root, posix. */
  installRootRel: string;
  /** Every package.json npm ci reads (the root's, workspaces', links'), relative to the project root. */
  manifests: string[];
  packages: DependencyPackage[];
}

export type DependencyRead = { kind: 'none' } | { kind: 'npm'; deps: AppDependencies } | { kind: 'error'; diagnostics: Diagnostic[] };

interface LockEntry {
  name?: string; version?: string; integrity?: string; resolved?: string; link?: boolean; dev?: boolean; optional?: boolean;
  hasInstallScript?: boolean; os?: string[]; cpu?: string[];
  dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
type Packages = Record<string, LockEntry>;

interface Where { app: string; file: string; path: string }

/** `projectRoot` bounds the search for a workspace lockfile and every path a release may pack. */
export function readAppDependencies(app: string, appRoot: string, projectRoot: string, where: Omit<Where, 'app'>): DependencyRead {
  const w = { app, ...where };
  const pkg = readJson(path.join(appRoot, 'package.json'));
  if (pkg === undefined) return { kind: 'none' };
  if (pkg instanceof Error) return fail(w, `${rel(projectRoot, path.join(appRoot, 'package.json'))} is not valid JSON: ${pkg.message}`, 'fix the file');
  if (Object.keys({ ...(pkg.dependencies ?? {}), ...(pkg.optionalDependencies ?? {}) }).length === 0) return { kind: 'none' };
  const found = findLockfile(appRoot, projectRoot);
  if (!found) {
    return fail(w, `app "${app}" declares dependencies in ${rel(projectRoot, path.join(appRoot, 'package.json'))} but has no lockfile`,
      `a release installs exactly what a lockfile pins (npm ci --omit=dev): run \`npm install\` in ${rel(projectRoot, appRoot) || '.'} (or in its npm workspace's root) and keep the package-lock.json it writes`);
  }
  const lock = readJson(found.lockfile);
  const lockShown = rel(projectRoot, found.lockfile);
  if (lock instanceof Error || lock === undefined || typeof lock.packages !== 'object' || lock.packages === null) {
    return fail(w, `${lockShown} is not a lockfile omnitron can read${lock instanceof Error ? ` (${lock.message})` : ''}`, 'omnitron reads lockfileVersion 2 or 3 (npm 7 or later): run `npm install` with a current npm to rewrite it');
  }
  const ctx = new Closure(lock.packages as Packages, posix(path.relative(found.installRoot, appRoot)), w, lockShown);
  const diagnostics = ctx.walk(pkg);
  if (diagnostics.length) return { kind: 'error', diagnostics };
  const installRootRel = posix(path.relative(projectRoot, found.installRoot));
  const outside = ctx.links().find((l) => escapes(path.posix.join(installRootRel, l)));
  if (outside !== undefined) return fail(w, `${lockShown} links ${outside}, which is outside the project`, 'a release packs linked packages from the project; move the package under the project root');
  const toProject = (loc: string) => path.posix.normalize(path.posix.join(installRootRel, loc)).replace(/^\.$/, '');
  return {
    kind: 'npm',
    deps: {
      app, projectRoot, installRoot: found.installRoot, lockfile: found.lockfile, installRootRel,
      manifests: ['', ...ctx.sourceDirs()].map((d) => path.posix.join(toProject(d), 'package.json')).filter((m, i, all) => all.indexOf(m) === i).sort(),
      packages: ctx.placed().map((p) => ({ ...p, from: toProject(p.from) })),
    },
  };
}

function fail(w: Where, summary: string, detail: string): DependencyRead {
  return { kind: 'error', diagnostics: [error(summary, { detail, file: w.file, path: w.path })] };
}

/** The app's own lockfile, else the nearest one above it (within the project) of a workspace that has the app as a member. */
function findLockfile(appRoot: string, projectRoot: string): { installRoot: string; lockfile: string } | undefined {
  for (let dir = appRoot; ; dir = path.dirname(dir)) {
    for (const name of LOCKFILES) {
      const lockfile = path.join(dir, name);
      if (!existsSync(lockfile)) continue;
      if (dir === appRoot) return { installRoot: dir, lockfile };
      const lock = readJson(lockfile);
      const member = posix(path.relative(dir, appRoot));
      if (!(lock instanceof Error) && lock?.packages?.[member]) return { installRoot: dir, lockfile };
    }
    if (dir === projectRoot || path.dirname(dir) === dir || escapes(posix(path.relative(projectRoot, dir)))) return undefined;
  }
}

interface Placed { name: string; at: string; from: string; link: boolean; entry: LockEntry }

/** The walk over the lockfile from the app: which packages it needs, and where each goes in the release. */
class Closure {
  readonly #byFrom = new Map<string, Placed>();
  readonly #byAt = new Map<string, Placed>();
  readonly #edges: Array<{ from: string; name: string; to: string }> = [];
  readonly #diagnostics: Diagnostic[] = [];
  readonly #linkTargets = new Set<string>();

  constructor(private readonly packages: Packages, private readonly appLoc: string, private readonly w: Where, private readonly lockShown: string) {}

  walk(pkg: { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }): Diagnostic[] {
    const own = this.packages[this.appLoc];
    if (!own) return [this.#error(`${this.lockShown} has no entry for the app (${this.appLoc || 'its root'})`, 'the lockfile is out of date: run `npm install` and keep the lockfile it writes')];
    const stale = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).filter((n) => !({ ...own.dependencies, ...own.optionalDependencies })[n]);
    if (stale.length) return [this.#error(`${this.lockShown} does not list ${stale.map((n) => `"${n}"`).join(', ')}, which package.json depends on`, 'the lockfile is out of date: run `npm install` and keep the lockfile it writes')];
    this.#byFrom.set(this.appLoc, { name: '', at: '', from: this.appLoc, link: false, entry: own });
    const queue = [this.appLoc];
    while (queue.length) this.#visit(queue.shift()!, queue);
    if (!this.#diagnostics.length) this.#verify();
    return this.#diagnostics;
  }

  placed(): Array<Omit<DependencyPackage, 'from'> & { from: string }> {
    return [...this.#byFrom.values()].filter((p) => p.at !== '').sort((a, b) => (a.at < b.at ? -1 : 1)).map((p) => ({
      name: p.name, at: p.at, from: p.from, link: p.link,
      ...(p.entry.version ? { version: p.entry.version } : {}),
      ...(p.entry.integrity ? { integrity: p.entry.integrity } : {}),
      ...(p.entry.os ? { os: p.entry.os } : {}),
      ...(p.entry.cpu ? { cpu: p.entry.cpu } : {}),
    }));
  }

  links(): string[] { return [...this.#linkTargets]; }

  /** Workspace members and link targets: npm ci needs their package.json at their place. */
  sourceDirs(): string[] {
    return Object.keys(this.packages).filter((k) => k !== '' && !k.split('/').includes('node_modules'));
  }

  #visit(from: string, queue: string[]): void {
    const parent = this.#byFrom.get(from)!;
    const e = parent.entry;
    const optionalPeers = new Set(Object.entries(e.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([n]) => n));
    const wanted: Array<[string, boolean]> = [
      ...Object.keys(e.dependencies ?? {}).map((n): [string, boolean] => [n, false]),
      ...Object.keys(e.optionalDependencies ?? {}).map((n): [string, boolean] => [n, true]),
      ...Object.keys(e.peerDependencies ?? {}).map((n): [string, boolean] => [n, true]),
    ];
    for (const [name, optional] of wanted) {
      if (optionalPeers.has(name) && !this.#resolve(from, name)) continue;
      const key = this.#resolve(from, name);
      if (!key) {
        if (!optional) this.#diagnostics.push(this.#error(`${this.lockShown} does not resolve "${name}", which ${parent.name || 'the app'} needs`, 'the lockfile is out of date: run `npm install` and keep the lockfile it writes'));
        continue;
      }
      const target = this.#target(key);
      if (!target) continue;
      this.#edges.push({ from, name, to: target.from });
      if (this.#byFrom.has(target.from)) continue;
      const placed = this.#place(name, key, target);
      if (placed) queue.push(placed.from);
    }
  }

  /** The lockfile key Node would find `name` at, walking up from `from` as Node does. */
  #resolve(from: string, name: string): string | undefined {
    for (let dir = from; ; dir = parentDir(dir)) {
      const key = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      if (this.packages[key]) return key;
      if (dir === '' || dir === '..' || dir.endsWith('/..')) return undefined;
    }
  }

  /** The installed package at `key`, or the source directory a link points at. */
  #target(key: string): { from: string; entry: LockEntry; link: boolean } | undefined {
    const entry = this.packages[key]!;
    if (!entry.link) return { from: key, entry, link: false };
    const to = path.posix.normalize(entry.resolved ?? '');
    const source = this.packages[to];
    if (!source) {
      this.#diagnostics.push(this.#error(`${this.lockShown} links ${key} to ${to}, which it has no entry for`, 'the lockfile is out of date: run `npm install` and keep the lockfile it writes'));
      return undefined;
    }
    this.#linkTargets.add(to);
    return { from: to, entry: source, link: true };
  }

  #place(name: string, key: string, target: { from: string; entry: LockEntry; link: boolean }): Placed | undefined {
    if (target.entry.hasInstallScript) {
      this.#diagnostics.push(this.#error(`dependency ${name}@${target.entry.version ?? '?'} (${key}) runs an install script, which omnitron does not run`,
        `releases are installed with --ignore-scripts; a native addon would have to be built for the node's platform with its toolchain, which omnitron cannot do. Use a pure-JavaScript alternative of ${name}, or bundle the app's build output with its dependencies (and drop them from the app's package.json).`));
      return undefined;
    }
    const dir = key.slice(0, key.length - `node_modules/${name}`.length).replace(/\/$/, '');
    const at = path.posix.join(this.#releaseDir(dir) ?? '', 'node_modules', name);
    const clash = this.#byAt.get(at);
    if (clash) {
      this.#diagnostics.push(this.#error(`the release cannot hold both ${clash.from} and ${target.from}: each would be ${at}`,
        `align the versions the app needs (\`npm dedupe\`, or the same version range everywhere in the workspace), so one copy of ${name} serves the app`));
      return undefined;
    }
    const placed: Placed = { name, at, from: target.from, link: target.link, entry: target.entry };
    this.#byFrom.set(target.from, placed);
    this.#byAt.set(at, placed);
    return placed;
  }

  /** Where a directory holding a node_modules lands in the release: the app itself, a package, or (an ancestor of the app) the release root. */
  #releaseDir(dir: string): string | undefined {
    const known = this.#byFrom.get(dir);
    if (known) return known.at;
    if (dir === '' || this.appLoc === dir || this.appLoc.startsWith(`${dir}/`)) return '';
    return undefined;
  }

  /** Every require edge must land on the same package in the release as in the project. */
  #verify(): void {
    const atOf = (from: string) => this.#byFrom.get(from)!.at;
    const present = new Set([...this.#byAt.keys()]);
    for (const edge of this.#edges) {
      const expected = atOf(edge.to);
      let found: string | undefined;
      for (let dir = atOf(edge.from); ; dir = parentDir(dir)) {
        const candidate = path.posix.join(dir, 'node_modules', edge.name);
        if (present.has(candidate)) { found = candidate; break; }
        if (dir === '') break;
      }
      if (found !== expected) {
        this.#diagnostics.push(this.#error(`in the release, ${atOf(edge.from) || 'the app'} would load ${edge.name} from ${found ?? 'nowhere'} instead of ${expected}`,
          `align the versions of ${edge.name} in the workspace (\`npm dedupe\`), so the app and its dependencies share one copy`));
      }
    }
  }

  #error(summary: string, detail: string): Diagnostic {
    return error(`app "${this.w.app}": ${summary}`, { detail, file: this.w.file, path: this.w.path });
  }
}

function parentDir(dir: string): string {
  if (dir === '') return '';
  const parts = dir.split('/');
  // `a/node_modules/b` walks to `a` (a node_modules directory holds no packages of its own).
  parts.pop();
  if (parts[parts.length - 1] === 'node_modules') parts.pop();
  return parts.join('/');
}

function readJson(file: string): Record<string, any> | Error | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, any>) : new Error('not an object');
  } catch (err) {
    return err as Error;
  }
}

function posix(p: string): string {
  return p.split(path.sep).join('/');
}

function escapes(relPath: string): boolean {
  return relPath === '..' || relPath.startsWith('../') || path.isAbsolute(relPath);
}

function rel(root: string, file: string): string {
  return posix(path.relative(root, file));
}
