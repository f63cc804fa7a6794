import { spawnSync } from 'node:child_process';

/** The path of an executable on PATH, or undefined. */
export function which(command) {
  const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
