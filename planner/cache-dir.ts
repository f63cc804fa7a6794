/** omnitron's per-user cache (downloaded runtimes, transformed config files): safe to delete at any time. */
import os from 'node:os';
import path from 'node:path';

export function omnitronCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  // The XDG spec ignores a relative XDG_CACHE_HOME (and an empty one): it would put caches in whatever directory a command runs from.
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'omnitron');
}
