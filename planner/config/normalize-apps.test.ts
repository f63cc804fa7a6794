import { afterEach, describe, expect, it } from 'vitest';
import { symlinkSync } from 'node:fs';
import { makeProject, type TempProject } from '../../test/config/make-project.js';
import { normalizeApps } from './normalize-apps.js';

let project: TempProject | undefined;
afterEach(() => project?.remove());

function run(apps: unknown[], files: Record<string, string | object> = {}) {
  project = makeProject(files);
  return normalizeApps(apps, { file: project.file('omnitron.config.ts'), root: project.dir, prefix: [], strict: false });
}

describe('normalizeApps', () => {
  it('applies real Omnitron defaults and stringifies env', () => {
    const { apps, diagnostics } = run([{ name: 'a', bootstrap: './apps/a/src/bootstrap.ts', env: { N: 1, B: false }, instances: 3, startupTimeout: '2m' }], { 'apps/a/src/bootstrap.ts': '' });
    expect(diagnostics).toEqual([]);
    expect(apps[0]).toMatchObject({ critical: false, enabled: true, startupTimeout: 120_000, instances: 3, env: { N: '1', B: 'false' }, dependsOn: [] });
  });

  it('accepts watch as a string, an object or false', () => {
    const { apps } = run([
      { name: 'a', script: './apps/a/dist/main.js', watch: './apps/a' },
      { name: 'b', script: './apps/b/dist/main.js', watch: false },
    ], { 'apps/a/dist/main.js': '', 'apps/b/dist/main.js': '' });
    expect(apps[0].watch).toEqual({ directory: project!.file('apps/a'), debounce: 300 });
    expect(apps[1].watch).toBeUndefined();
  });

  it('keeps watch and dev for `omnitron dev`, without warnings', () => {
    const { apps, diagnostics } = run([{ name: 'a', script: './apps/a/dist/main.js', watch: './apps/a', dev: { logLevel: 'debug', env: { FEATURE: 1 }, sourceMaps: true } }], { 'apps/a/dist/main.js': '' });
    expect(diagnostics).toEqual([]);
    expect(apps[0].dev).toEqual({ logLevel: 'debug', env: { FEATURE: '1' }, sourceMaps: true });
  });

  it('reads restartPolicy, durations in ms, and refuses what supervision would refuse', () => {
    const { apps, diagnostics } = run([{ name: 'a', script: './apps/a/dist/main.js', restartPolicy: { maxRestarts: 2, window: '30s', delay: '2s', backoff: { type: 'linear', max: '1m' } } }], { 'apps/a/dist/main.js': '' });
    expect(diagnostics).toEqual([]);
    expect(apps[0].restartPolicy).toEqual({ maxRestarts: 2, window: 30_000, delay: 2_000, backoff: { type: 'linear', max: 60_000 } });
    const bad = run([{ name: 'a', script: './apps/a/dist/main.js', restartPolicy: { maxRestarts: -1, retries: 3 } }], { 'apps/a/dist/main.js': '' });
    expect(bad.diagnostics.map((d) => `${d.severity} ${d.path}`)).toEqual(['error apps[0].restartPolicy.maxRestarts', 'warning apps[0].restartPolicy.retries']);
  });

  it('keeps the config index for diagnostics and drops entries that fail', () => {
    const { apps, diagnostics } = run([{ name: 1 }, { name: 'ok', script: './apps/ok/dist/m.js' }, { name: 'x/y', script: './apps/x/dist/m.js' }], { 'apps/ok/dist/m.js': '', 'apps/x/dist/m.js': '' });
    expect(apps.map((a) => [a.name, a.index])).toEqual([['ok', 1], ['x/y', 2]]);
    expect(diagnostics.map((d) => `${d.path}: ${d.summary}`)).toEqual(['apps[0].name: expected a string, got 1', 'apps[2].name: invalid app name "x/y"']);
  });

  it('warns when the app directory is missing, since no requirements can be read', () => {
    const { apps, diagnostics } = run([{ name: 'a', bootstrap: './apps/typo/src/b.ts' }]);
    expect(apps[0].requirements).toEqual({ discovery: false, notifications: false, infrastructure: {} });
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'warning', path: 'apps[0].bootstrap' })]);
  });
});

describe('normalizeApps: the app root a release packs', () => {
  it('refuses a root outside the project, following symlinks', () => {
    const { diagnostics } = run([{ name: 'a', bootstrap: './apps/a/dist/bootstrap.js' }, { name: 'b', script: '/etc/ssh/x/main.js' }], { 'apps/a/dist/bootstrap.js': '' });
    expect(diagnostics.map((d) => [d.path, d.summary])).toEqual([['apps[1].script', `the app's root /etc/ssh is outside the project ${project!.dir}`]]);
    symlinkSync('/etc', project!.file('apps/linked'));
    const linked = normalizeApps([{ name: 'c', bootstrap: './apps/linked/ssh/bootstrap.js' }], { file: project!.file('omnitron.config.ts'), root: project!.dir, prefix: [], strict: false });
    expect(linked.diagnostics.map((d) => d.summary)).toEqual([`the app's root ${project!.file('apps/linked')} is outside the project ${project!.dir}`]);
  });
  it('allows the project root itself (.omnitron is never packed)', () => {
    expect(run([{ name: 'a', bootstrap: './dist/bootstrap.js' }], { 'dist/bootstrap.js': '' }).diagnostics).toEqual([]);
  });
});
