/**
 * The e2e tests' bare-metal node bed (test/support/nodes: systemd + sshd containers of
 * omnitron-local/node:bookworm), compiled with esbuild at bench time so the bench starts nodes exactly
 * as the tests do. Also a synchronous removal by the bed's label, for cleanup on Ctrl-C.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE = join(REPO, 'test', 'support', 'nodes', 'index.ts');
/** Where loadNodeBed compiles to; gone once it returns (a Ctrl-C meanwhile leaves it to cleanup). */
export const COMPILED_DIR = join(REPO, 'node_modules', '.cache', `omnitron-bench-${process.pid}`);

/**
 * Imports test/support/nodes/index.ts. The compiled file sits under node_modules/.cache so its
 * requires of dockerode and ssh2 resolve to the repo's node_modules; it is removed once loaded.
 * CommonJS, because Node's ESM loader cannot see ssh2's `utils` as a named export (vitest can).
 */
export async function loadNodeBed() {
  const { build } = await import('esbuild');
  const outfile = join(COMPILED_DIR, 'nodes.cjs');
  mkdirSync(COMPILED_DIR, { recursive: true });
  try {
    await build({ entryPoints: [SOURCE], outfile, bundle: true, packages: 'external', platform: 'node', format: 'cjs', target: 'node24', logLevel: 'warning' });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(COMPILED_DIR, { recursive: true, force: true });
  }
}

function dockerIds(args) {
  return spawnSync('docker', args, { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

/** What the bed's own stop() does, synchronously: containers and networks labelled with this bed's prefix. */
export function removeBedNow(namePrefix) {
  const filter = `label=omnitron.test.bed=${namePrefix}`;
  const containers = dockerIds(['container', 'ls', '-aq', '--filter', filter]);
  if (containers.length) spawnSync('docker', ['container', 'rm', '-f', '-v', ...containers]);
  const networks = dockerIds(['network', 'ls', '-q', '--filter', filter]);
  // A fresh-node bed's network has the shared apt cache attached (test/support/nodes/apt-cache.ts).
  for (const network of networks) spawnSync('docker', ['network', 'disconnect', '-f', network, 'omnitron-test-apt-cache']);
  if (networks.length) spawnSync('docker', ['network', 'rm', ...networks]);
  return { containers: containers.length, networks: networks.length };
}
