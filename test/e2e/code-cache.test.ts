/**
 * The CLI's own code cache (cli/bundle-loader.ts), run by the built CLI: written after a successful
 * run into the user's private cache directory, one per command, used as it is by the next run, never
 * written by a failed run, replaced when V8 rejects it, and never in the way of a run it cannot help.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRun, REPO_ROOT, requireNode24, runCli } from './support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'omnitron-code-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const CONFIG = join(REPO_ROOT, 'examples/platform/omnitron.config.ts');

function cliIn(cacheHome: string, extraEnv: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome };
  delete env.NODE_DISABLE_COMPILE_CACHE;
  return (...args: string[]) => runCli(args, { cwd: REPO_ROOT, env: { ...env, ...extraEnv } });
}

function cachesIn(cacheHome: string): string[] {
  try {
    return readdirSync(join(cacheHome, 'omnitron', 'code')).sort();
  } catch {
    return [];
  }
}

describe('the code cache of the CLI bundle', () => {
  it('is written after a successful run, privately, and used as it is by the next run', async () => {
    requireNode24();
    const home = join(root, 'reuse');
    const cli = cliIn(home);
    const first = await cli('validate', '-c', CONFIG);
    expect(first.code, describeRun(first)).toBe(0);
    const [name, ...others] = cachesIn(home);
    expect(others).toEqual([]);
    expect(name).toMatch(/^validate-[\w-]{22}-v\d+\.\d+\.\d+-\w+\.v8cache$/);
    const file = join(home, 'omnitron', 'code', name!);
    expect(statSync(join(home, 'omnitron', 'code')).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = readFileSync(file);
    const before = statSync(file);

    const second = await cli('validate', '-c', CONFIG);
    expect(second.code, describeRun(second)).toBe(0);
    expect(second.stderr).not.toMatch(/ExperimentalWarning|USE_MAIN_CONTEXT_DEFAULT_LOADER/);
    expect(cachesIn(home)).toEqual([name]);
    // Used, not replaced: a rejected cache would have been written again.
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect(readFileSync(file).equals(written)).toBe(true);
  });

  it('keeps one cache per command, and a failed run writes none', async () => {
    requireNode24();
    const home = join(root, 'per-command');
    const cli = cliIn(home);
    const failed = await cli('plan', '-c', join(root, 'no such dir', 'omnitron.config.ts'));
    expect(failed.code, describeRun(failed)).toBe(1);
    expect(cachesIn(home)).toEqual([]);
    expect((await cli('validate', '-c', CONFIG)).code).toBe(0);
    expect((await cli('--version')).code).toBe(0);
    expect(cachesIn(home).map((n) => n.split('-')[0])).toEqual(['other', 'validate']);
  });

  it('replaces a cache V8 rejects and removes older caches of the command; the run itself is unaffected', async () => {
    requireNode24();
    const home = join(root, 'rejected');
    const cli = cliIn(home);
    expect((await cli('validate', '-c', CONFIG)).code).toBe(0);
    const [name] = cachesIn(home);
    const dir = join(home, 'omnitron', 'code');
    writeFileSync(join(dir, name!), 'not a code cache');
    const stale = 'validate-AAAAAAAAAAAAAAAAAAAAAA-v24.0.0-x64.v8cache';
    writeFileSync(join(dir, stale), 'from an older build');

    const r = await cli('validate', '-c', CONFIG);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain('The configuration is valid.');
    expect(cachesIn(home)).toEqual([name]);
    expect(readFileSync(join(dir, name!)).length).toBeGreaterThan(100_000);
  });

  it('uses no cache that others may write: a shared file is replaced, a shared directory left alone', async () => {
    requireNode24();
    const home = join(root, 'shared');
    const cli = cliIn(home);
    expect((await cli('validate', '-c', CONFIG)).code).toBe(0);
    const dir = join(home, 'omnitron', 'code');
    const file = join(dir, cachesIn(home)[0]!);
    // A valid cache, which would be used as it is (see the first test) were it private.
    chmodSync(file, 0o666);
    const { ino } = statSync(file);
    const r = await cli('validate', '-c', CONFIG);
    expect(r.code, describeRun(r)).toBe(0);
    expect(statSync(file).ino).not.toBe(ino);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    chmodSync(dir, 0o777);
    writeFileSync(file, 'planted by someone else');
    const shared = await cli('validate', '-c', CONFIG);
    expect(shared.code, describeRun(shared)).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('planted by someone else');
  });

  it('is neither read nor written with NODE_DISABLE_COMPILE_CACHE=1, and a cache directory it cannot create is no error', async () => {
    requireNode24();
    const off = join(root, 'off');
    const r = await cliIn(off, { NODE_DISABLE_COMPILE_CACHE: '1' })('validate', '-c', CONFIG);
    expect(r.code, describeRun(r)).toBe(0);
    expect(cachesIn(off)).toEqual([]);

    mkdirSync(join(root, 'blocked'));
    const blocked = join(root, 'blocked', 'a file');
    writeFileSync(blocked, '');
    const b = await cliIn(blocked)('validate', '-c', CONFIG);
    expect(b.code, describeRun(b)).toBe(0);
    expect(b.stderr).toBe('');
  });
});
