import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { appReleaseArtifact } from './app-release.js';

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
