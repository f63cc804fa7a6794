import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readAppDependencies, type DependencyRead } from './app-dependencies.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/platform', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'omnitron-deps-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const where = { file: '/p/omnitron.config.ts', path: 'apps[0]' };

/** A project from file contents (objects are written as JSON). */
function project(files: Record<string, unknown>): string {
  const root = mkdtempSync(path.join(tmp, 'p-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

const reg = (version: string, extra: object = {}) => ({ version, integrity: `sha512-${version}`, ...extra });

function npmOf(r: DependencyRead) {
  if (r.kind !== 'npm') throw new Error(`expected dependencies, got ${JSON.stringify(r)}`);
  return r.deps;
}

function errorsOf(r: DependencyRead): string[] {
  if (r.kind !== 'error') throw new Error(`expected errors, got ${r.kind}`);
  return r.diagnostics.map((d) => `${d.path}: ${d.summary}`);
}

describe('readAppDependencies', () => {
  it('reads the example ledger from its workspace lockfile: registry packages hoisted, workspace packages linked, dev dependencies of others left out', () => {
    const deps = npmOf(readAppDependencies('ledger', path.join(EXAMPLE, 'apps/ledger'), EXAMPLE, where));
    expect(deps.installRootRel).toBe('');
    const at = deps.packages.map((p) => p.at);
    expect(at).toEqual(expect.arrayContaining(['node_modules/ioredis', 'node_modules/pg', 'node_modules/@platform/auth-utils', 'node_modules/@platform/health-server']));
    expect(at).not.toContain('node_modules/@platform/ledger');
    expect(deps.packages.find((p) => p.name === '@platform/auth-utils')).toMatchObject({ link: true, from: 'packages/auth-utils' });
    expect(deps.packages.find((p) => p.name === 'ioredis')).toMatchObject({ link: false, from: 'node_modules/ioredis', integrity: expect.stringMatching(/^sha512-/) });
    expect(deps.manifests).toEqual(['apps/ledger/package.json', 'package.json', 'packages/auth-utils/package.json', 'packages/health-server/package.json']);
  });

  it('an app without a package.json, or without dependencies, has none', () => {
    expect(readAppDependencies('a', path.join(project({}), 'apps/a'), tmp, where)).toEqual({ kind: 'none' });
    const root = project({ 'apps/a/package.json': { name: 'a', devDependencies: { vitest: '1' } } });
    expect(readAppDependencies('a', path.join(root, 'apps/a'), root, where)).toEqual({ kind: 'none' });
  });

  it('an app with dependencies and no lockfile is an error naming it and what to run', () => {
    const root = project({ 'apps/a/package.json': { name: 'a', dependencies: { ms: '^2' } } });
    const r = readAppDependencies('a', path.join(root, 'apps/a'), root, where);
    expect(errorsOf(r)).toEqual(['apps[0]: app "a" declares dependencies in apps/a/package.json but has no lockfile']);
    expect(r.kind === 'error' && r.diagnostics[0].detail).toContain('npm install');
  });

  it('an app with its own lockfile: nested packages keep their place, dev dependencies are skipped, file: links are packed from the project', () => {
    const root = project({
      'apps/a/package.json': { name: 'a', dependencies: { x: '^1', shared: 'file:../../packages/shared' }, devDependencies: { d: '1' } },
      'packages/shared/package.json': { name: 'shared', dependencies: { y: '1' } },
      'apps/a/package-lock.json': {
        lockfileVersion: 3, packages: {
          '': { name: 'a', dependencies: { x: '^1', shared: 'file:../../packages/shared' }, devDependencies: { d: '1' } },
          '../../packages/shared': { name: 'shared', dependencies: { y: '1' } },
          '../../packages/shared/node_modules/y': reg('1.0.0'),
          'node_modules/x': reg('1.2.0', { dependencies: { y: '^2' } }),
          'node_modules/x/node_modules/y': reg('1.5.0'),
          'node_modules/y': reg('2.0.0'),
          'node_modules/shared': { resolved: '../../packages/shared', link: true },
          'node_modules/d': reg('1.0.0', { dev: true }),
        },
      },
    });
    const deps = npmOf(readAppDependencies('a', path.join(root, 'apps/a'), root, where));
    expect(deps.installRootRel).toBe('apps/a');
    expect(deps.packages.map((p) => [p.at, p.from])).toEqual([
      ['node_modules/shared', 'packages/shared'],
      ['node_modules/shared/node_modules/y', 'packages/shared/node_modules/y'],
      ['node_modules/x', 'apps/a/node_modules/x'],
      ['node_modules/x/node_modules/y', 'apps/a/node_modules/x/node_modules/y'],
    ]);
    expect(deps.manifests).toEqual(['apps/a/package.json', 'packages/shared/package.json']);
  });

  it('refuses a dependency with an install script, naming the package', () => {
    const root = project({
      'package.json': { name: 'a', dependencies: { bcrypt: '5' } },
      'package-lock.json': { lockfileVersion: 3, packages: { '': { dependencies: { bcrypt: '5' } }, 'node_modules/bcrypt': reg('5.1.1', { hasInstallScript: true }) } },
    });
    const r = readAppDependencies('a', root, root, where);
    expect(errorsOf(r)).toEqual(['apps[0]: app "a": dependency bcrypt@5.1.1 (node_modules/bcrypt) runs an install script, which omnitron does not run']);
    expect(r.kind === 'error' && r.diagnostics[0].detail).toMatch(/native addon.*pure-JavaScript alternative of bcrypt/);
  });

  it('a lockfile out of date with package.json is an error saying to run npm install', () => {
    const root = project({
      'package.json': { name: 'a', dependencies: { x: '1', z: '1' } },
      'package-lock.json': { lockfileVersion: 3, packages: { '': { dependencies: { x: '1' } }, 'node_modules/x': reg('1.0.0') } },
    });
    expect(errorsOf(readAppDependencies('a', root, root, where))).toEqual(['apps[0]: app "a": package-lock.json does not list "z", which package.json depends on']);
  });

  it('refuses a workspace layout where the app and a hoisted package need different copies at one place', () => {
    const root = project({
      'package.json': { name: 'w', workspaces: ['apps/*'] },
      'apps/a/package.json': { name: 'a', dependencies: { p: '1', y: '2' } },
      'package-lock.json': {
        lockfileVersion: 3, packages: {
          '': { name: 'w', workspaces: ['apps/*'] },
          'apps/a': { name: 'a', dependencies: { p: '1', y: '2' } },
          'apps/a/node_modules/y': reg('2.0.0'),
          'node_modules/p': reg('1.0.0', { dependencies: { y: '1' } }),
          'node_modules/y': reg('1.0.0'),
        },
      },
    });
    expect(errorsOf(readAppDependencies('a', path.join(root, 'apps/a'), root, where))[0]).toMatch(/the release cannot hold both (apps\/a\/)?node_modules\/y and (apps\/a\/)?node_modules\/y/);
  });
});
