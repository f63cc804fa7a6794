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

export async function appReleaseArtifact(app: string, appRoot: string, outDir: string): Promise<ReleaseArtifact> {
  const tar = await tarDirectory(app, appRoot);
  const slug = app.replace(/[^A-Za-z0-9_.-]/g, '_');
  // Compressing is most of the cost; an unchanged tree reuses the tarball made for it last time.
  const index = path.join(outDir, `${slug}-${sha256(tar)}.tar.sha256`);
  const known = await readFile(index, 'utf8').catch(() => undefined);
  if (known) {
    const file = path.join(outDir, `${slug}-${known.slice(0, 16)}.tar.gz`);
    if (await stat(file).catch(() => undefined)) return { sha256: known, path: file };
  }
  const gz = gzipSync(tar, { level: 6 });
  const gzSha = sha256(gz);
  const file = path.join(outDir, `${slug}-${gzSha.slice(0, 16)}.tar.gz`);
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  if (!(await stat(file).catch(() => undefined))) {
    await writeFile(`${file}.tmp`, gz, { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }
  await writeFile(index, gzSha, { mode: 0o600 });
  return { sha256: gzSha, path: file };
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
