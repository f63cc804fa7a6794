/**
 * The built CLI started by the machine's older Node (Debian's Node 20 here): one line naming the Node
 * it needs, the one it found and a command that works, exit 1, no stack trace; and that command works.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { CLI_PATH, REPO_ROOT } from './support/cli.js';

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A Node older than 24 on the machine's own PATH (not the project's node_modules), if any. */
function olderNode(): string | undefined {
  for (const dir of SYSTEM_PATH.split(':')) {
    const node = `${dir}/node`;
    if (!existsSync(node)) continue;
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    if (Number(version.slice(1).split('.')[0]) < 24) return node;
  }
  return undefined;
}

const node = olderNode();

describe.skipIf(!node)(`the CLI under an older Node (${node ?? 'none on this machine'})`, () => {
  const env = { ...process.env, PATH: SYSTEM_PATH, CI: 'true' };

  function runOld(cwd: string, args: string[]) {
    const r = spawnSync(node!, [CLI_PATH, ...args], { cwd, env, encoding: 'utf8', timeout: 30_000 });
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^omnitron needs Node\\.js 24 or newer, but ${node} is v\\d+\\.`));
    return /run `([^`]+)`/.exec(lines[0])![1];
  }

  it('inside the checkout: suggests npx, which runs with the Node 24 npm ci installed', () => {
    const command = runOld(REPO_ROOT, ['--version']);
    expect(command).toBe('npx omnitron --version');
    const r = spawnSync('sh', ['-c', command], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(r.status).toBe(0);
  });

  it('elsewhere: suggests the shipped Node with the CLI path, quoted, which works as printed', () => {
    const command = runOld(tmpdir(), ['validate', '-c', '/nonexistent dir/omnitron.config.ts']);
    expect(command).toBe(`${REPO_ROOT}node_modules/.bin/node ${CLI_PATH} validate -c '/nonexistent dir/omnitron.config.ts'`);
    const r = spawnSync('sh', ['-c', command], { cwd: tmpdir(), env, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toContain('config file /nonexistent dir/omnitron.config.ts does not exist');
    expect(r.stderr).not.toMatch(/^\s{4}at /m);
    expect(r.status).toBe(1);
  });
});
