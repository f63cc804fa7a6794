import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isWatched, watchApp } from './app-watch.js';

describe('which changes restart an app', () => {
  it('ignores dependencies, build output, VCS, test output and logs by default', () => {
    for (const file of ['node_modules/pg/index.js', 'dist/main.js', 'packages/x/dist/a.js', '.git/HEAD', 'coverage/lcov.info', 'server.log', 'logs/today.log']) {
      expect(isWatched(file, {}), file).toBe(false);
    }
    expect(isWatched('src/main.ts', {})).toBe(true);
    expect(isWatched('config/default.json', {})).toBe(true);
  });

  it('adds the app\'s own ignores, and keeps only `include` when given', () => {
    expect(isWatched('fixtures/big.bin', { ignore: ['fixtures'] })).toBe(false);
    expect(isWatched('src/a.spec.ts', { ignore: ['**/*.spec.ts'] })).toBe(false);
    expect(isWatched('src/a.ts', { include: ['src/**/*.ts'] })).toBe(true);
    expect(isWatched('README.md', { include: ['src/**/*.ts'] })).toBe(false);
    expect(isWatched('src/deep/b.ts', { include: ['*.ts'] })).toBe(true);
  });
});

describe('watchApp', () => {
  let dir: string | undefined;
  afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('reports one burst of changes once, after the debounce, without the ignored ones', async () => {
    dir = mkdtempSync(join(tmpdir(), 'omnitron-watch-'));
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'node_modules'));
    const bursts: string[][] = [];
    const watcher = watchApp({ directory: dir, debounce: 1000 }, (files) => bursts.push(files), (err) => { throw err; });
    try {
      await new Promise((r) => setTimeout(r, 100));
      writeFileSync(join(dir, 'src', 'a.ts'), '1');
      writeFileSync(join(dir, 'src', 'b.ts'), '2');
      writeFileSync(join(dir, 'node_modules', 'x.js'), '3');
      await waitFor(() => bursts.length > 0);
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      watcher.close();
    }
    expect(bursts).toEqual([['src/a.ts', 'src/b.ts']]);
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(check()).toBe(true);
}
