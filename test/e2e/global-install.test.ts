/**
 * The README's install: `npm pack`, then `npm install -g` of the tarball (into a private prefix), and
 * `omnitron` run as a command from another directory, with the Node 24 first on PATH.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, requireNode24 } from './support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'omnitron-global-install-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('npm install -g of the packed tarball', () => {
  it('gives an `omnitron` command that works from any directory', () => {
    requireNode24();
    const env = { ...process.env, PATH: `${join(root, 'prefix', 'bin')}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, CI: 'true' };
    // dist/ is already built by the test run; packing must not rebuild it.
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', root], { cwd: REPO_ROOT, env, stdio: 'pipe' });
    const tarball = readdirSync(root).find((f) => f.endsWith('.tgz'))!;
    execFileSync('npm', ['install', '-g', '--prefix', join(root, 'prefix'), '--prefer-offline', '--no-audit', '--no-fund', join(root, tarball)],
      { cwd: root, env, stdio: 'pipe', timeout: 600_000 });

    const version = spawnSync('omnitron', ['--version'], { cwd: root, env, encoding: 'utf8' });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const validate = spawnSync('omnitron', ['validate', '-c', join(REPO_ROOT, 'examples/platform/omnitron.config.ts')],
      { cwd: root, env: { ...env, XDG_CACHE_HOME: join(root, 'cache') }, encoding: 'utf8' });
    expect(validate.stdout).toContain('Success! The configuration is valid.');
    expect(validate.status).toBe(0);
  }, 600_000);
});
