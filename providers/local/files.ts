/**
 * File primitives for local artifacts: atomic writes (temp file in the same directory, fsync,
 * rename, fsync the directory) with an exact mode, and reads that tell "absent" from "unreadable".
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { syncDir } from '../../planner/sync-dir.js';

/** Directories this creates are 0700 (existing ones are left as they are). */
export async function writeFileAtomic(file: string, content: string, mode: number): Promise<void> {
  const dir = path.dirname(file);
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created) await chmod(dir, 0o700);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
}


export interface FileSnapshot { content: string; mode: number }

/**
 * Undefined when the file does not exist; other failures (permissions) throw. Read synchronously: these
 * are small local files, and a read through the thread pool costs the main thread more than the read.
 */
export async function readSnapshot(file: string): Promise<FileSnapshot | undefined> {
  try {
    // Non-blocking: a FIFO at the path must not hang the process where Ctrl-C cannot reach it.
    const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const info = fstatSync(fd);
      if (!info.isFile() && !info.isDirectory()) throw new Error(`${file} is not a regular file`);
      return { content: readFileSync(fd, 'utf8'), mode: info.mode & 0o777 };
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function removeFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

/** `0600` ⇄ 0o600. */
export function formatMode(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

export function parseMode(text: string): number {
  if (!/^0[0-7]{3}$/.test(text)) throw new Error(`invalid file mode ${JSON.stringify(text)}`);
  return Number.parseInt(text, 8);
}
