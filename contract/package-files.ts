/**
 * Where the omnitron package's own files are, found from this module's place. It sits one directory
 * below the code root in every layout: from source (`contract/`), compiled (`dist/contract/`) and
 * bundled into the CLI (`dist/bundle/`), so paths computed here survive bundling, where every
 * module's `import.meta.url` becomes the bundle's.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const CODE_ROOT = new URL('../', import.meta.url);
/** Running TypeScript sources (tests) rather than the build. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** A module of this build by its source path without extension (`planner/config/define`). */
export function ownModuleUrl(sourcePath: string): URL {
  return new URL(`${sourcePath}.${FROM_SOURCE ? 'ts' : 'js'}`, CODE_ROOT);
}

/** A file of the build output by its path under dist/ (from source: under the checkout). */
export function builtFile(relativePath: string): string {
  return fileURLToPath(new URL(relativePath, CODE_ROOT));
}

/** The package's root directory: the one holding package.json and node_modules. */
export const PACKAGE_ROOT = resolve(fileURLToPath(FROM_SOURCE ? CODE_ROOT : new URL('../', CODE_ROOT)));
