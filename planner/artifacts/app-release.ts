/**
 * An app's release: its root directory (build output, config/, package.json) as a reproducible
 * tarball — sorted entries, zero mtimes and owners, no gzip timestamp — so the same files always
 * give the same sha256 and an unchanged app is never uploaded again.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { UserError } from '../diagnostics.js';

export interface ReleaseArtifact { sha256: string; path: string }

export const RELEASE_EXCLUDES = ['node_modules', '.omnitron', '.git'];

/**
 * The release as a plan sees it: the sha256 of its tarball and where apply writes it. Reads the cache
 * of earlier builds and writes nothing (a plan leaves no files behind).
 */
export async function planRelease(app: string, appRoot: string, outDir: string): Promise<ReleaseArtifact> {
  return (await buildRelease(app, appRoot, outDir)).artifact;
}

/** The tarball of a release apply ships, written when it is not there yet; refused when the app changed since the plan. */
export async function writeRelease(app: string, appRoot: string, planned: ReleaseArtifact): Promise<void> {
  if (await stat(planned.path).catch(() => undefined)) return;
  const outDir = path.dirname(planned.path);
  const { artifact, gz, tarSha } = await buildRelease(app, appRoot, outDir);
  if (artifact.sha256 !== planned.sha256 || !gz) {
    throw new UserError({
      severity: 'error', summary: `app "${app}" changed since the plan was made (its release is ${artifact.sha256.slice(0, 12)}…, the plan ships ${planned.sha256.slice(0, 12)}…)`,
      detail: 'Nothing was changed. Make a fresh plan, review it, and apply that.',
    });
  }
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  await writeFile(`${planned.path}.tmp`, gz, { mode: 0o600 });
  await rename(`${planned.path}.tmp`, planned.path);
  await writeFile(indexPath(app, outDir, tarSha), artifact.sha256, { mode: 0o600 });
}

/** planRelease then writeRelease: the tarball exists when this returns. */
export async function appReleaseArtifact(app: string, appRoot: string, outDir: string): Promise<ReleaseArtifact> {
  const artifact = await planRelease(app, appRoot, outDir);
  await writeRelease(app, appRoot, artifact);
  return artifact;
}

async function buildRelease(app: string, appRoot: string, outDir: string): Promise<{ artifact: ReleaseArtifact; gz?: Buffer; tarSha: string }> {
  const tar = await tarDirectory(app, appRoot);
  const tarSha = sha256(tar);
  // Compressing is most of the cost; an unchanged tree reuses the tarball made for it last time.
  const known = await readFile(indexPath(app, outDir, tarSha), 'utf8').catch(() => undefined);
  if (known) {
    const file = releasePath(app, outDir, known);
    if (await stat(file).catch(() => undefined)) return { artifact: { sha256: known, path: file }, tarSha };
  }
  const gz = gzipSync(tar, { level: 6 });
  const gzSha = sha256(gz);
  return { artifact: { sha256: gzSha, path: releasePath(app, outDir, gzSha) }, gz, tarSha };
}

function slugOf(app: string): string {
  return app.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function indexPath(app: string, outDir: string, tarSha: string): string {
  return path.join(outDir, `${slugOf(app)}-${tarSha}.tar.sha256`);
}

function releasePath(app: string, outDir: string, gzSha: string): string {
  return path.join(outDir, `${slugOf(app)}-${gzSha.slice(0, 16)}.tar.gz`);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function tarDirectory(app: string, dir: string): Promise<Buffer> {
  const argv = ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', ...RELEASE_EXCLUDES.map((e) => `--exclude=${e}`), '-C', dir, '-cf', '-', '.'];
  return new Promise((resolve, reject) => {
    const child = spawn('tar', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    child.once('error', (e) => reject(new UserError({ severity: 'error', summary: `cannot package app "${app}": ${e.message}`, detail: 'omnitron needs GNU tar on this machine to build releases.' })));
    child.once('close', (code) => code === 0 ? resolve(Buffer.concat(out)) : reject(new UserError({ severity: 'error', summary: `cannot package app "${app}" from ${dir}: tar exited with ${code}`, detail: err.trim() })));
  });
}
