import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { appReleaseArtifact, planRelease, writeRelease } from './app-release.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'omnitron-release-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('appReleaseArtifact', () => {
  const app = path.join(dir, 'app');
  const out = path.join(dir, 'out');
  mkdirSync(path.join(app, 'dist'), { recursive: true });
  mkdirSync(path.join(app, 'node_modules', 'x'), { recursive: true });
  writeFileSync(path.join(app, 'dist', 'main.js'), 'console.log(1)\n');
  writeFileSync(path.join(app, 'node_modules', 'x', 'index.js'), 'ignored\n');

  it('is reproducible: the same tree gives the same sha256 of the uploaded tarball, without node_modules', async () => {
    const first = await appReleaseArtifact('my app', app, out);
    expect(first.sha256).toBe(createHash('sha256').update(await readFile(first.path)).digest('hex'));
    const listing = gunzipSync(await readFile(first.path)).toString('latin1');
    expect(listing).toContain('./dist/main.js');
    expect(listing).not.toContain('node_modules');
    const again = await appReleaseArtifact('my app', app, out);
    expect(again).toEqual(first);
    expect(readdirSync(out).filter((f) => f.endsWith('.tar.gz'))).toHaveLength(1);
  });

  it('changes when a file changes', async () => {
    const before = await appReleaseArtifact('my app', app, out);
    writeFileSync(path.join(app, 'dist', 'main.js'), 'console.log(2)\n');
    const after = await appReleaseArtifact('my app', app, out);
    expect(after.sha256).not.toBe(before.sha256);
  });
});

describe('planRelease / writeRelease', () => {
  const app = path.join(dir, 'planned');
  const out = path.join(dir, 'planned-out');
  mkdirSync(path.join(app, 'dist'), { recursive: true });
  writeFileSync(path.join(app, 'dist', 'main.js'), 'console.log("a")\n');

  it('a plan computes the release without writing anything; apply writes exactly that tarball', async () => {
    const planned = await planRelease('planned', app, out);
    expect(existsSync(out)).toBe(false);
    await writeRelease('planned', app, planned);
    expect(createHash('sha256').update(await readFile(planned.path)).digest('hex')).toBe(planned.sha256);
    expect(await planRelease('planned', app, out)).toEqual(planned);
  });

  it('apply refuses to ship an app that changed since the plan', async () => {
    const planned = await planRelease('planned', app, path.join(dir, 'other-out'));
    writeFileSync(path.join(app, 'dist', 'main.js'), 'console.log("b")\n');
    await expect(writeRelease('planned', app, planned)).rejects.toThrow(/app "planned" changed since the plan was made/);
    expect(existsSync(planned.path)).toBe(false);
  });
});

