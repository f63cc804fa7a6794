/**
 * A local app's revision: what changes when its files do, so `apply` restarts an app whose code was
 * rebuilt. Apps on a local stack run in place, so this is a digest of each file's path, size and mtime
 * under the app's root (like make, without reading the files), skipping what a release skips.
 */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { RELEASE_EXCLUDES } from './app-release.js';

export async function appRevision(root: string): Promise<string> {
  const entries: string[] = [];
  await walk(root, '', entries);
  return createHash('sha256').update(entries.sort().join('\n')).digest('hex').slice(0, 16);
}

async function walk(root: string, rel: string, into: string[]): Promise<void> {
  const dirents = await readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
  await Promise.all(dirents.map(async (d) => {
    if (RELEASE_EXCLUDES.includes(d.name)) return;
    const child = path.join(rel, d.name);
    if (d.isDirectory()) return walk(root, child, into);
    const s = await stat(path.join(root, child)).catch(() => undefined);
    if (s) into.push(`${child}\0${s.size}\0${s.mtimeMs}`);
  }));
}
