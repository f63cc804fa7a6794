import { open } from 'node:fs/promises';

/** fsync a directory so a rename inside it survives a crash (POSIX needs the directory entry flushed too). */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
