/**
 * The CLI's own code cache (cli/bundle-loader.ts), run by the built CLI: written after a run that
 * succeeded into the user's private cache directory, one per command, grown by the next two runs and then
 * used as it is, replaced when damaged or refused by V8, never taken from a place others may write, and
 * never in the way of a run it cannot help.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
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

/** A cache file as the loader writes it: the sha256 of the rest, the generation, V8's data. */
function whole(file: Buffer): boolean {
  return file.length > 100_000 && createHash('sha256').update(file.subarray(32)).digest().equals(file.subarray(0, 32));
}

function cachesIn(cacheHome: string): string[] {
  try {
    return readdirSync(join(cacheHome, 'omnitron', 'code')).sort();
  } catch {
    return [];
  }
}

describe('the code cache of the CLI bundle', () => {
  it('is written privately after a successful run, grows with the next two, then is used as it is', async () => {
    requireNode24();
    const home = join(root, 'reuse');
    const cli = cliIn(home);
    const generations: number[] = [];
    let name: string | undefined;
    for (let run = 1; run <= 5; run++) {
      const r = await cli('validate', '-c', CONFIG);
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stderr).not.toMatch(/ExperimentalWarning|USE_MAIN_CONTEXT_DEFAULT_LOADER/);
      const names = cachesIn(home);
      expect(names).toHaveLength(1);
      name = names[0]!;
      const file = readFileSync(join(home, 'omnitron', 'code', name));
      expect(whole(file)).toBe(true);
      generations.push(file.readUInt32LE(32));
    }
    expect(name).toMatch(/^validate-[\w-]{22}-v\d+\.\d+\.\d+-\w+\.v8cache$/);
    // Written by the first three runs, then used as it is.
    expect(generations).toEqual([1, 2, 3, 3, 3]);
    expect(statSync(join(home, 'omnitron', 'code')).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, 'omnitron', 'code', name!)).mode & 0o777).toBe(0o600);
    const { mtimeMs } = statSync(join(home, 'omnitron', 'code', name!));
    expect((await cli('validate', '-c', CONFIG)).code).toBe(0);
    expect(statSync(join(home, 'omnitron', 'code', name!)).mtimeMs).toBe(mtimeMs);
  });

  it('is written only by a run that succeeded; help and the version have their own', async () => {
    requireNode24();
    const home = join(root, 'per-command');
    const cli = cliIn(home);
    const failed = await cli('plan', '-c', join(root, 'no such dir', 'omnitron.config.ts'));
    expect(failed.code, describeRun(failed)).toBe(1);
    expect(cachesIn(home)).toEqual([]);
    expect((await cli('validate', '--help')).code).toBe(0);
    expect(cachesIn(home).map((n) => n.split('-')[0])).toEqual(['other']);
    expect((await cli('validate', '-c', CONFIG)).code).toBe(0);
    expect(cachesIn(home).map((n) => n.split('-')[0])).toEqual(['other', 'validate']);
  });

  it('replaces a damaged cache and one V8 rejects, keeping the three newest of the command; the run itself is unaffected', async () => {
    requireNode24();
    const home = join(root, 'rejected');
    const cli = cliIn(home);
    expect((await cli('validate', '-c', CONFIG)).code).toBe(0);
    const [name] = cachesIn(home);
    const dir = join(home, 'omnitron', 'code');
    const file = join(dir, name!);
    const valid = readFileSync(file);

    // Damaged: a zeroed block in the middle would make V8 abort the process, were it deserialized.
    const damaged = Buffer.from(valid);
    damaged.fill(0, damaged.length >> 1, (damaged.length >> 1) + 4096);
    writeFileSync(file, damaged);
    const afterDamage = await cli('validate', '-c', CONFIG);
    expect(afterDamage.code, describeRun(afterDamage)).toBe(0);
    expect(whole(readFileSync(file))).toBe(true);

    // Whole, but from another V8 (its header names another version): V8 refuses it, and it is written again.
    const rest = Buffer.from(valid.subarray(32));
    rest[4 + 4] = rest[4 + 4]! ^ 0xff;
    const refused = Buffer.concat([createHash('sha256').update(rest).digest(), rest]);
    writeFileSync(file, refused);
    const stale = ['AAAAAAAAAAAAAAAAAAAAAA', 'BBBBBBBBBBBBBBBBBBBBBB', 'CCCCCCCCCCCCCCCCCCCCCC'].map((hash, i) => {
      const other = join(dir, `validate-${hash}-v24.0.0-x64.v8cache`);
      writeFileSync(other, 'an older build');
      const days = new Date(Date.now() - (i + 1) * 86_400_000);
      utimesSync(other, days, days);
      return basename(other);
    });
    const r = await cli('validate', '-c', CONFIG);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain('The configuration is valid.');
    const rewritten = readFileSync(file);
    expect(rewritten.equals(refused)).toBe(false);
    expect(whole(rewritten)).toBe(true);
    expect(cachesIn(home)).toEqual([name, stale[0], stale[1]].sort());
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
