import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { overrideShutdown, resolveApp, resolveApps, resolveManifestApps } from './resolve-app.js';
import { SETPRIV } from './run-as.js';
import type { SystemDefinition } from './system-definition.js';
import { FIXTURES, testApp, testManifest } from '../../test/support/agent/manifests.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'omnitron-resolve-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const envFile = path.join(tmp, 'app.env');
writeFileSync(envFile, '# Managed by omnitron\nGREETING="hello \\"world\\""\nPORT="3000"\n');
const KEY = { kty: 'OKP', crv: 'Ed25519', x: 'x' };

describe('resolveApp', () => {
  it('runs a script as one process with the env file and the app name', async () => {
    const spec = await resolveApp(testApp({ name: 'api', envFile }), '/var/log/omnitron');
    expect(spec.processes).toEqual([{ name: 'main', argv: [process.execPath, path.join(FIXTURES, 'ticker.mjs')], ipc: false }]);
    expect(spec.env).toEqual({ GREETING: 'hello "world"', PORT: '3000', OMNITRON_APP_NAME: 'api' });
    expect(spec.logs).toEqual({ dir: '/var/log/omnitron', maxSize: 1_000_000, maxFiles: 2, compress: false });
    expect(spec).toMatchObject({ name: 'api', cwd: FIXTURES, critical: false, startupTimeout: 5_000, dependsOn: [] });
  });

  it('loads a bootstrap and runs each of its processes with an IPC channel', async () => {
    const bootstrap = path.join(FIXTURES, 'system/bootstrap.js');
    const spec = await resolveApp(testApp({ name: 'sys', envFile, bootstrap }), '/logs');
    const ticker = path.join(FIXTURES, 'ticker.mjs');
    // Of several processes, the first whose health is not disabled carries the app's check (none here).
    expect(spec.processes).toEqual([
      { name: 'web', argv: [process.execPath, ticker], ipc: true, health: null },
      { name: 'worker', argv: [process.execPath, ticker], ipc: true, health: null },
    ]);
  });

  it('resolves the release behind a `current` symlink, so switching releases changes argv', async () => {
    const root = path.join(tmp, 'app');
    for (const release of ['r1', 'r2']) {
      mkdirSync(path.join(root, 'releases', release), { recursive: true });
      copyFileSync(path.join(FIXTURES, 'ticker.mjs'), path.join(root, 'releases', release, 'main.mjs'));
    }
    symlinkSync(path.join(root, 'releases/r1'), path.join(root, 'current'));
    const app = testApp({ name: 'api', envFile, script: path.join(root, 'current/main.mjs'), cwd: path.join(root, 'current') });
    const first = await resolveApp(app, '/logs');
    rmSync(path.join(root, 'current'));
    symlinkSync(path.join(root, 'releases/r2'), path.join(root, 'current'));
    const second = await resolveApp(app, '/logs');
    expect(first.processes[0].argv[1]).toBe(path.join(root, 'releases/r1/main.mjs'));
    expect(second.processes[0].argv[1]).toBe(path.join(root, 'releases/r2/main.mjs'));
    expect(second.cwd).toBe(path.join(root, 'releases/r2'));
  });

  it('runs as the app user through setpriv, with that user\'s HOME', async () => {
    const user = { name: 'omnitron', uid: 998, gid: 997, home: '/var/lib/omnitron' };
    const spec = await resolveApp(testApp({ name: 'api', envFile, user: 'omnitron' }), '/logs', { lookupUser: () => user });
    expect(spec.processes[0].argv).toEqual([SETPRIV, '--reuid', '998', '--regid', '997', '--init-groups', '--', process.execPath, path.join(FIXTURES, 'ticker.mjs')]);
    expect(spec.env).toMatchObject({ HOME: '/var/lib/omnitron', USER: 'omnitron', LOGNAME: 'omnitron' });
  });

  it('names the app and the missing file', async () => {
    const manifest = testManifest(tmp, KEY, [testApp({ name: 'ghost', envFile, script: path.join(tmp, 'nope.mjs') })]);
    await expect(resolveApps(manifest)).rejects.toThrow(`app "ghost": script ${path.join(tmp, 'nope.mjs')}: ENOENT`);
    const noEnv = testManifest(tmp, KEY, [testApp({ name: 'api', envFile: path.join(tmp, 'missing.env') })]);
    await expect(resolveApps(noEnv)).rejects.toThrow(`app "api": cannot read env file ${path.join(tmp, 'missing.env')}: ENOENT`);
  });
});

describe('defineSystem overrides', () => {
  const bootstrap = path.join(FIXTURES, 'system/bootstrap.js');
  const health = { type: 'http' as const, target: 'http://127.0.0.1:3000/health', interval: 1_000, timeout: 500, failureThreshold: 3 };
  const system = (extra: Partial<SystemDefinition>) => ({ loadSystem: async (): Promise<SystemDefinition> => ({ name: 's', processes: [{ name: 'web', module: '../ticker.mjs' }], ...extra }) });
  const app = testApp({ name: 'sys', envFile, bootstrap, health, shutdown: { priority: 3, timeout: 10_000 } });

  it('keeps the manifest\'s shutdown and health when defineSystem sets neither', async () => {
    const spec = await resolveApp(app, '/logs', system({}));
    expect(spec.shutdown).toEqual({ priority: 3, timeout: 10_000 });
    expect(spec.health).toEqual(health);
  });

  it('overrides shutdown field by field', async () => {
    expect((await resolveApp(app, '/logs', system({ shutdown: { timeout: 30_000 } }))).shutdown).toEqual({ priority: 3, timeout: 30_000 });
    expect((await resolveApp(app, '/logs', system({ shutdown: { priority: -1 } }))).shutdown).toEqual({ priority: -1, timeout: 10_000 });
    expect((await resolveApp(app, '/logs', system({ shutdown: { priority: 9, timeout: 1_000 } }))).shutdown).toEqual({ priority: 9, timeout: 1_000 });
    expect(overrideShutdown({ priority: 1, timeout: 2 }, { priority: undefined, timeout: 5 })).toEqual({ priority: 1, timeout: 5 });
  });

  it('drops the manifest\'s health check when health.enabled is false, and only then', async () => {
    const off = await resolveApp(app, '/logs', system({ health: { enabled: false } }));
    expect(off).not.toHaveProperty('health');
    expect((await resolveApp(app, '/logs', system({ health: { enabled: true } }))).health).toEqual(health);
    expect((await resolveApp(app, '/logs', system({ health: {} }))).health).toEqual(health);
  });

  it('reports each bootstrap app\'s version, read from the real bootstrap', async () => {
    const manifest = testManifest(tmp, KEY, [
      testApp({ name: 'sys', envFile, bootstrap }),
      testApp({ name: 'api', envFile }),
    ]);
    const resolved = await resolveManifestApps(manifest);
    expect(resolved.specs.map((s) => s.name)).toEqual(['sys', 'api']);
    expect(resolved.versions).toEqual({ sys: '1.0.0' });
    expect(await resolveApps(manifest)).toEqual(resolved.specs);
  });
});
