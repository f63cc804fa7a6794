import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appRevision } from './app-revision.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'omnitron-revision-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('appRevision', () => {
  it('changes when a file is rebuilt, and not for node_modules or when nothing changed', async () => {
    mkdirSync(path.join(root, 'dist'), { recursive: true });
    mkdirSync(path.join(root, 'node_modules/dep'), { recursive: true });
    writeFileSync(path.join(root, 'dist/main.js'), 'one');
    const first = await appRevision(root);
    expect(await appRevision(root)).toBe(first);
    writeFileSync(path.join(root, 'node_modules/dep/index.js'), 'ignored');
    expect(await appRevision(root)).toBe(first);
    writeFileSync(path.join(root, 'dist/main.js'), 'two');
    utimesSync(path.join(root, 'dist/main.js'), new Date(), new Date(Date.now() + 5_000));
    expect(await appRevision(root)).not.toBe(first);
  });

  it('leaves out an entry it cannot stat (a symlink loop) instead of failing the plan', async () => {
    const app = path.join(root, 'looped');
    mkdirSync(app);
    writeFileSync(path.join(app, 'main.js'), 'x');
    const before = await appRevision(app);
    symlinkSync('loop', path.join(app, 'loop'));
    expect(await appRevision(app)).toBe(before);
  });
});
