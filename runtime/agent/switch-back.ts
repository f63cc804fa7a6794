/**
 * After a rollback the app runs its previous release again; its `current` symlink (the manifest's cwd)
 * is pointed back at that release too, atomically (a new link under a temporary name renamed over the
 * old), so what the node says it runs is what it runs. A cwd that is not a symlink is left alone.
 */
import { lstat, rename, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';

export async function pointCurrentAt(current: string, release: string): Promise<boolean> {
  const link = await lstat(current).catch(() => undefined);
  if (!link?.isSymbolicLink()) return false;
  const temporary = path.join(path.dirname(current), '.current.rollback');
  await unlink(temporary).catch(() => undefined);
  await symlink(path.relative(path.dirname(current), release), temporary);
  await rename(temporary, current);
  return true;
}
