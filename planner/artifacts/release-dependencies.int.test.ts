/**
 * The example's ledger release, built for real: `npm ci --omit=dev --ignore-scripts` from the
 * workspace lockfile (the npm registry), the closure laid out in node_modules, and the app's code
 * loading `ioredis` and the workspace packages from the extracted release alone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readAppDependencies } from '../config/app-dependencies.js';
import { planRelease, writeRelease, type ReleaseSource } from './app-release.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/platform', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'omnitron-release-deps-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function ledger(): ReleaseSource {
  const read = readAppDependencies('ledger', path.join(EXAMPLE, 'apps/ledger'), EXAMPLE, { file: 'omnitron.config.ts', path: 'apps[3]' });
  if (read.kind !== 'npm') throw new Error(`ledger has no dependencies to install: ${JSON.stringify(read)}`);
  return { app: 'ledger', root: path.join(EXAMPLE, 'apps/ledger'), deps: read.deps, cacheDir: path.join(tmp, 'cache'), machine: 'x86_64' };
}

describe('a release with dependencies from the npm registry', () => {
  it('plan writes nothing; apply installs once into the cache and ships a release whose code loads its dependencies', async () => {
    const out = path.join(tmp, 'out');
    const planned = await planRelease(ledger(), out);
    expect(existsSync(out) || existsSync(path.join(tmp, 'cache'))).toBe(false);
    await writeRelease(ledger(), planned);

    const release = path.join(tmp, 'release');
    execFileSync('mkdir', ['-p', release]);
    execFileSync('tar', ['-xzf', planned.path, '-C', release]);
    expect(readdirSync(path.join(release, 'node_modules', '@platform')).sort()).toEqual(['auth-utils', 'health-server']);
    expect(existsSync(path.join(release, 'node_modules', 'ioredis', 'package.json'))).toBe(true);
    expect(existsSync(path.join(release, 'node_modules', 'pg', 'package.json'))).toBe(true);
    expect(existsSync(path.join(release, 'dist', 'main.js'))).toBe(true);
    const loaded = execFileSync(process.execPath, ['--input-type=module', '-e',
      "const r = await import('ioredis'); const a = await import('@platform/auth-utils'); await import('@platform/health-server'); console.log(typeof r.Redis, a.verifyToken(a.signToken({ sub: 'u' }, 's'), 's').sub)"], { cwd: release, encoding: 'utf8' });
    expect(loaded.trim()).toBe('function u');

    // A second build of the same lockfile reuses the install: one cache entry.
    const again = await planRelease(ledger(), path.join(tmp, 'out2'));
    expect(again.sha256).toBe(planned.sha256);
    await writeRelease(ledger(), again);
    expect(readdirSync(path.join(tmp, 'cache', 'npm'))).toHaveLength(1);
  });
});
