/**
 * After a rollback the app runs its previous release again; its `current` symlink (the manifest's cwd)
 * is pointed back at that release too, atomically (a new link under a temporary name renamed over the
 * old), and the switch is noted in the app's release history. A cwd that is not a symlink is left alone.
 */
import { appendFile, lstat, readlink, rename, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import { historyLine, RELEASE_HISTORY } from '../../contract/agent/release-history.js';

export async function pointCurrentAt(current: string, release: string, now = new Date()): Promise<boolean> {
  const link = await lstat(current).catch(() => undefined);
  if (!link?.isSymbolicLink()) return false;
  const root = path.dirname(current);
  const failed = path.basename(await readlink(current));
  const temporary = path.join(root, '.current.rollback');
  await unlink(temporary).catch(() => undefined);
  await symlink(path.relative(root, release), temporary);
  await rename(temporary, current);
  await appendFile(path.join(root, RELEASE_HISTORY), historyLine(now, failed, 'failed') + historyLine(now, path.basename(release), 'rollback'));
  return true;
}
