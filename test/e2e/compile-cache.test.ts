/**
 * Node's compile cache across runs: the second run of a command finds every module it compiled,
 * the user's config included, so repeated plans do not grow the cache by one entry each.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRun, REPO_ROOT, requireNode24, runCli } from './support/cli.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'omnitron-compile-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function cacheEntries(): number {
  return readdirSync(cacheDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;
}

describe('the compile cache', () => {
  it('takes no new entry when the same config is validated again', async () => {
    requireNode24();
    const env = { ...process.env, NODE_COMPILE_CACHE: cacheDir };
    const validate = () => runCli(['validate', '-c', join(REPO_ROOT, 'examples/platform/omnitron.config.ts')], { cwd: REPO_ROOT, env });
    const first = await validate();
    expect(first.code, describeRun(first)).toBe(0);
    const afterFirst = cacheEntries();
    expect(afterFirst).toBeGreaterThan(0);
    const second = await validate();
    expect(second.code, describeRun(second)).toBe(0);
    expect(cacheEntries()).toBe(afterFirst);
  });
});
