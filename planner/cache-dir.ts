/** omnitron's per-user cache (downloaded runtimes, transformed config files): safe to delete at any time. */
import os from 'node:os';
import path from 'node:path';

export function omnitronCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'omnitron');
}
