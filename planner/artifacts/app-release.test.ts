import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { appReleaseArtifact, planRelease, writeRelease, type ReleaseSource } from './app-release.js';
import { readAppDependencies } from '../config/app-dependencies.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'omnitron-release-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const source = (app: string, root: string, extra: Partial<ReleaseSource> = {}): ReleaseSource => ({ app, root, cacheDir: path.join(dir, 'cache'), machine: 'x86_64', ...extra });
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const listing = async (file: string) => gunzipSync(await readFile(file)).toString('latin1');

describe('appReleaseArtifact', () => {
  const app = path.join(dir, 'app');
  const out = path.join(dir, 'out');
  mkdirSync(path.join(app, 'dist'), { recursive: true });
  mkdirSync(path.join(app, 'node_modules', 'x'), { recursive: true });
  writeFileSync(path.join(app, 'dist', 'main.js'), 'console.log(1)\n');
  writeFileSync(path.join(app, 'node_modules', 'x', 'index.js'), 'ignored\n');

  it('is reproducible: the same tree gives the same digest and tarball, without the app\'s own node_modules', async () => {
    const first = await appReleaseArtifact(source('my app', app), out);
    const bytes = await readFile(first.path);
    expect(await listing(first.path)).toContain('./dist/main.js');
    expect(await listing(first.path)).not.toContain('node_modules');
    rmSync(first.path);
    const again = await appReleaseArtifact(source('my app', app), out);
    expect(again).toEqual(first);
    expect(sha(await readFile(again.path))).toBe(sha(bytes));
    expect(readdirSync(out).filter((f) => f.endsWith('.tar.gz'))).toHaveLength(1);
  });

  it('changes when a file changes', async () => {
    const before = await appReleaseArtifact(source('my app', app), out);
    writeFileSync(path.join(app, 'dist', 'main.js'), 'console.log(2)\n');
    const after = await appReleaseArtifact(source('my app', app), out);
    expect(after.sha256).not.toBe(before.sha256);
  });
});

describe('planRelease / writeRelease', () => {
  const app = path.join(dir, 'planned');
  const out = path.join(dir, 'planned-out');
  mkdirSync(path.join(app, 'dist'), { recursive: true });
  writeFileSync(path.join(app, 'dist', 'main.js'), 'console.log("a")\n');

  it('a plan computes the release without writing anything; apply writes that release', async () => {
    const planned = await planRelease(source('planned', app), out);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(path.join(dir, 'cache'))).toBe(false);
    await writeRelease(source('planned', app), planned);
    expect(await listing(planned.path)).toContain('./dist/main.js');
    expect(await planRelease(source('planned', app), out)).toEqual(planned);
  });

  it('apply refuses to ship an app that changed since the plan', async () => {
    const planned = await planRelease(source('planned', app), path.join(dir, 'other-out'));
    writeFileSync(path.join(app, 'dist', 'main.js'), 'console.log("b")\n');
    await expect(writeRelease(source('planned', app), planned)).rejects.toThrow(/app "planned" changed since the plan was made/);
    expect(existsSync(planned.path)).toBe(false);
  });
});

describe('a release with linked workspace packages', () => {
  // A workspace whose app depends on a sibling package only: no registry package, so no npm run.
  const root = path.join(dir, 'ws');
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'ws', workspaces: ['apps/*', 'packages/*'] }),
    'apps/api/package.json': JSON.stringify({ name: 'api', dependencies: { '@ws/util': '1.0.0' } }),
    'apps/api/dist/main.js': 'import "@ws/util";\n',
    'packages/util/package.json': JSON.stringify({ name: '@ws/util', version: '1.0.0' }),
    'packages/util/index.js': 'export const util = 1;\n',
    'packages/util/node_modules/junk/index.js': 'not shipped\n',
    'package-lock.json': JSON.stringify({
      lockfileVersion: 3, packages: {
        '': { name: 'ws', workspaces: ['apps/*', 'packages/*'] },
        'apps/api': { name: 'api', dependencies: { '@ws/util': '1.0.0' } },
        'packages/util': { name: '@ws/util', version: '1.0.0' },
        'node_modules/@ws/util': { resolved: 'packages/util', link: true },
        'node_modules/api': { resolved: 'apps/api', link: true },
      },
    }),
  };
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  const read = readAppDependencies('api', path.join(root, 'apps/api'), root, { file: 'c', path: 'apps[0]' });
  const src = () => source('api', path.join(root, 'apps/api'), { deps: read.kind === 'npm' ? read.deps : undefined });

  it('copies the package into node_modules (no symlink, no nested junk), and its content is part of the digest', async () => {
    const out = path.join(dir, 'ws-out');
    const first = await appReleaseArtifact(src(), out);
    const tar = await listing(first.path);
    expect(tar).toContain('./node_modules/@ws/util/index.js');
    expect(tar).toContain('./dist/main.js');
    expect(tar).not.toContain('junk');
    writeFileSync(path.join(root, 'packages/util/index.js'), 'export const util = 2;\n');
    expect((await planRelease(src(), out)).sha256).not.toBe(first.sha256);
  });
});
