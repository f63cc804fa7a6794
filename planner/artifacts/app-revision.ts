/**
 * A local app's revision: what changes when its files do, so `apply` restarts an app whose code was
 * rebuilt. Apps on a local stack run in place, so this is a digest of each file's path, size and mtime
 * under the app's root (like make, without reading the files), skipping what a release skips.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { RELEASE_EXCLUDES } from './app-release.js';

export async function appRevision(root: string): Promise<string> {
  const entries: string[] = [];
  walk(root, '', entries);
  return createHash('sha256').update(entries.sort().join('\n')).digest('hex').slice(0, 16);
}

/**
 * Synchronous on purpose: each entry is one cheap system call, and going through the thread pool cost
 * the main thread more per entry than the call itself (a plan of five small apps made ~50 such round trips).
 */
function walk(root: string, rel: string, into: string[]): void {
  let dirents: Dirent[];
  try {
    dirents = readdirSync(path.join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const d of dirents) {
    if (RELEASE_EXCLUDES.includes(d.name)) continue;
    const child = path.join(rel, d.name);
    if (d.isDirectory()) {
      walk(root, child, into);
      continue;
    }
    const s = statOrNothing(path.join(root, child));
    if (s) into.push(`${child}\0${s.size}\0${s.mtimeMs}`);
  }
}

/** An entry that cannot be stat'ed (gone meanwhile, a symlink loop, no permission) is left out, not fatal. */
function statOrNothing(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}
