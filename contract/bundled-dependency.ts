/**
 * Packages the build also ships as one file each (scripts/bundle.mjs, under dist/bundle/): Node then
 * reads one file instead of resolving and linking a package's hundreds, which was most of their cost
 * in a no-op plan. From source, or in a build without them, the package is loaded as installed.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { builtFile } from './package-files.js';

const load = createRequire(import.meta.url);

/** A CommonJS package: its one-file build at `dist/<bundled>` when there is one, else `require(pkg)`. */
export function requireBundled(bundled: string, pkg: string): unknown {
  const file = builtFile(bundled);
  return load(existsSync(file) ? file : pkg);
}
