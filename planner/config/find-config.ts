/** Which config file a command uses: `-c PATH` (a file, or a directory to search), else the cwd's. */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError, error } from '../diagnostics.js';

// The daemon's order first (.ts, .js, .mjs), then the other forms tsx loads.
export const CONFIG_NAMES = ['omnitron.config.ts', 'omnitron.config.js', 'omnitron.config.mjs', 'omnitron.config.mts', 'omnitron.config.cts', 'omnitron.config.cjs'] as const;

export function findConfigFile(cwd: string, explicit?: string): string {
  if (explicit === undefined) return searchDir(cwd);
  const path = resolve(cwd, explicit);
  if (!existsSync(path)) throw new UserError(error(`config file ${path} does not exist`, { detail: 'check the path given to -c' }));
  return statSync(path).isDirectory() ? searchDir(path) : path;
}

function searchDir(dir: string): string {
  const found = CONFIG_NAMES.map((name) => join(dir, name)).find((p) => existsSync(p));
  if (found) return found;
  throw new UserError(`no omnitron.config.ts (.js, .mjs, .mts, .cts, .cjs) in ${dir}; pass -c PATH`);
}
