/**
 * An app's release: its root directory (build output, config/, package.json) and, when the app
 * declares dependencies, the `node_modules` its lockfile pins (see release-dependencies.ts).
 *
 * A release is named by the digest of what goes in it, computed without installing or compressing
 * anything: the reproducible tar of the app root (sorted entries, zero mtimes and owners), each
 * registry package's name, version, integrity hash and place, and the tar of each linked workspace
 * package. `plan` computes that digest and writes nothing; `apply` builds the tarball once (the
 * dependencies from a cache keyed by the lockfile and package.json files), gzips it once, and ships it
 * with the tarball's own sha256, which the node checks before extracting.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../diagnostics.js';
import type { AppDependencies, DependencyPackage } from '../config/app-dependencies.js';
import { assembleDependencies, npmCpu } from './release-dependencies.js';

export interface ReleaseArtifact { sha256: string; path: string }

export const RELEASE_EXCLUDES = ['node_modules', '.omnitron', '.git'];
const RELEASE_FORMAT = 'omnitron-release/2';

/** What a release is made of. */
export interface ReleaseSource {
  app: string;
  root: string;
  /** The app's production dependencies (absent: the app ships its root only). */
  deps?: AppDependencies;
  /** Where dependency installs are cached. */
  cacheDir: string;
  /** The machine (`uname -m`) the app's nodes have, for packages built for some platforms only. */
  machine: string;
}

interface Contents { app: Buffer; links: Map<string, Buffer>; packages: DependencyPackage[]; digest: string }

/** The release as a plan sees it: its digest and where apply writes its tarball. Writes nothing. */
export async function planRelease(source: ReleaseSource, outDir: string): Promise<ReleaseArtifact> {
  const { digest } = await readContents(source);
  return { sha256: digest, path: releasePath(source.app, outDir, digest) };
}

/** The tarball of a release apply ships, written when it is not there yet; refused when the app changed since the plan. */
export async function writeRelease(source: ReleaseSource, planned: ReleaseArtifact): Promise<void> {
  if (await stat(planned.path).catch(() => undefined)) return;
  const contents = await readContents(source);
  if (contents.digest !== planned.sha256) {
    throw new UserError({
      severity: 'error', summary: `app "${source.app}" changed since the plan was made (its release is ${contents.digest.slice(0, 12)}…, the plan ships ${planned.sha256.slice(0, 12)}…)`,
      detail: 'Nothing was changed. Make a fresh plan, review it, and apply that.',
    });
  }
  const tar = contents.packages.length === 0 ? contents.app : await tarWithDependencies(source, contents);
  const outDir = path.dirname(planned.path);
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  // Loaded here, not with this module: a plan that builds nothing never pays for zlib (~7 ms).
  const { gzipSync } = await import('node:zlib');
  await writeFile(`${planned.path}.tmp`, gzipSync(tar, { level: 6 }), { mode: 0o600 });
  await rename(`${planned.path}.tmp`, planned.path);
}

/** planRelease then writeRelease: the tarball exists when this returns. */
export async function appReleaseArtifact(source: ReleaseSource, outDir: string): Promise<ReleaseArtifact> {
  const artifact = await planRelease(source, outDir);
  await writeRelease(source, artifact);
  return artifact;
}

/** The sha256 of a file (what the node checks an uploaded tarball against). */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function readContents(source: ReleaseSource): Promise<Contents> {
  const packages = platformPackages(source);
  const links = new Map<string, Buffer>();
  const [app] = await Promise.all([
    tarDirectory(source.app, source.root),
    ...packages.filter((p) => p.link).map(async (p) => { links.set(p.from, await tarDirectory(source.app, path.join(source.deps!.projectRoot, p.from))); }),
  ]);
  const described = {
    format: RELEASE_FORMAT,
    app: sha256(app),
    packages: packages.map((p) => (p.link ? { at: p.at, link: sha256(links.get(p.from)!) } : { at: p.at, name: p.name, version: p.version ?? null, integrity: p.integrity ?? null })),
    ...(packages.some((p) => p.os || p.cpu) ? { platform: `linux-${npmCpu(source.machine)}` } : {}),
  };
  return { app, links, packages, digest: sha256(Buffer.from(JSON.stringify(described))) };
}

/** The packages the release carries on the app's platform: a package built for other platforms only is left out when npm would leave it out. */
function platformPackages(source: ReleaseSource): DependencyPackage[] {
  const cpu = npmCpu(source.machine);
  const fits = (allowed: string[] | undefined, value: string) => !allowed || (allowed.some((a) => !a.startsWith('!')) ? allowed.includes(value) : !allowed.includes(`!${value}`));
  const packages = source.deps?.packages ?? [];
  const skipped = packages.filter((p) => !fits(p.os, 'linux') || !fits(p.cpu, cpu)).map((p) => p.at);
  return packages.filter((p) => !skipped.some((s) => p.at === s || p.at.startsWith(`${s}/`)));
}

/** The app root as hashed, with node_modules laid out beside it, as one reproducible tar. */
async function tarWithDependencies(source: ReleaseSource, contents: Contents): Promise<Buffer> {
  const stage = await mkdtemp(path.join(source.cacheDir, `.release-${slugOf(source.app)}-`)).catch(async () => {
    await mkdir(source.cacheDir, { recursive: true, mode: 0o700 });
    return mkdtemp(path.join(source.cacheDir, `.release-${slugOf(source.app)}-`));
  });
  try {
    await extractTar(source.app, contents.app, stage);
    await assembleDependencies({ app: source.app, deps: source.deps!, packages: contents.packages, links: contents.links, machine: source.machine, cacheDir: source.cacheDir, into: stage, extract: (tar, dir) => extractTar(source.app, tar, dir) });
    return await tarDirectory(source.app, stage, []);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

function slugOf(app: string): string {
  return app.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function releasePath(app: string, outDir: string, digest: string): string {
  return path.join(outDir, `${slugOf(app)}-${digest.slice(0, 16)}.tar.gz`);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function tarDirectory(app: string, dir: string, excludes = RELEASE_EXCLUDES): Promise<Buffer> {
  const argv = ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', ...excludes.map((e) => `--exclude=${e}`), '-C', dir, '-cf', '-', '.'];
  return runTar(app, dir, argv);
}

function extractTar(app: string, tar: Buffer, dir: string): Promise<Buffer> {
  return runTar(app, dir, ['-C', dir, '-xf', '-'], tar);
}

function runTar(app: string, dir: string, argv: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', argv, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
    child.once('error', (e) => reject(new UserError({ severity: 'error', summary: `cannot package app "${app}": ${e.message}`, detail: 'omnitron needs GNU tar on this machine to build releases.' })));
    child.once('close', (code) => code === 0 ? resolve(Buffer.concat(out)) : reject(new UserError({ severity: 'error', summary: `cannot package app "${app}" from ${dir}: tar exited with ${code}`, detail: err.trim() })));
    if (input) child.stdin!.end(input);
  });
}
