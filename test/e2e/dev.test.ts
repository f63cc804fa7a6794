/**
 * `omnitron dev` on a small local stack of two apps: it applies with the apps' `dev` settings, streams
 * both logs with the app's name in front, restarts exactly the app whose watched file changed (an
 * ignored file changes nothing), and on Ctrl-C leaves the stack running; with --down it destroys it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, requireNode24, runCli, startCli, type RunningCli } from './support/cli.js';
import { alive, readAgentPid, readAgentStatus, stopLocalAgent, waitUntil } from './support/local-agent.js';

const APP = `
const name = process.argv[2];
console.log(\`\${name} started pid \${process.pid} LOG_LEVEL=\${process.env.LOG_LEVEL} GREETING=\${process.env.GREETING ?? '-'} NODE_OPTIONS=\${process.env.NODE_OPTIONS ?? '-'}\`);
setInterval(() => {}, 60_000);
process.on('SIGTERM', () => process.exit(0));
`;

describe('omnitron dev', () => {
  const root = mkdtempSync(join(tmpdir(), 'omnitron-dev-'));
  const dir = join(root, 'project');
  const stackDir = join(dir, '.omnitron', 'dev');
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', OMNITRON_STATE_KEY_FILE: join(root, 'state.key') };
  delete env.OMNITRON_STATE_KEY;
  let dev: RunningCli | undefined;

  beforeAll(() => {
    requireNode24();
    for (const app of ['one', 'two']) {
      mkdirSync(join(dir, 'apps', app, 'src'), { recursive: true });
      mkdirSync(join(dir, 'apps', app, 'node_modules'), { recursive: true });
      writeFileSync(join(dir, 'apps', app, 'main.cjs'), APP);
    }
    writeFileSync(join(dir, 'omnitron.config.mjs'), `export default {
  project: 'devtest${randomBytes(3).toString('hex')}',
  logging: { level: 'info' },
  apps: [
    { name: 'one', script: './apps/one/main.cjs', watch: { directory: './apps/one', debounce: 300 },
      dev: { logLevel: 'debug', env: { GREETING: 'hello' }, sourceMaps: true } },
    { name: 'two', script: './apps/two/main.cjs', watch: './apps/two' },
  ],
  stacks: { dev: { type: 'local' } },
};
`);
    // The script gets its app name from its own directory.
    for (const app of ['one', 'two']) writeFileSync(join(dir, 'apps', app, 'main.cjs'), APP.replace('process.argv[2]', JSON.stringify(app)));
  });

  afterAll(async () => {
    dev?.child.kill('SIGKILL');
    await stopLocalAgent(stackDir, dir);
    rmSync(root, { recursive: true, force: true });
  });

  const pidOf = async (app: string) => (await readAgentStatus(stackDir)).apps.find((a) => a.name === app)?.processes[0]?.pid;

  it('applies with the dev settings and streams both apps\' logs', async () => {
    dev = startCli(['dev'], { cwd: dir, env, timeoutMs: 600_000 });
    await dev.waitForOutput(/\[dev\] watching one \(.*apps\/one\), two \(.*apps\/two\)/, 240_000);
    await dev.waitForOutput(/\[one\] one started pid \d+ LOG_LEVEL=debug GREETING=hello NODE_OPTIONS=--enable-source-maps/, 30_000);
    await dev.waitForOutput(/\[two\] two started pid \d+ LOG_LEVEL=info GREETING=- NODE_OPTIONS=-/, 30_000);
    expect(await pidOf('one')).toBeGreaterThan(0);
    expect(await pidOf('two')).toBeGreaterThan(0);
  });

  it('restarts exactly the app whose watched file changed; an ignored file changes nothing', async () => {
    const one = (await pidOf('one'))!;
    const two = (await pidOf('two'))!;
    writeFileSync(join(dir, 'apps', 'two', 'node_modules', 'dep.js'), 'ignored');
    writeFileSync(join(dir, 'apps', 'one', 'src', 'feature.ts'), 'export const x = 1;\n');
    await dev!.waitForOutput(/\[dev\] one: src\/feature\.ts changed, restarting/, 30_000);
    await dev!.waitForOutput(/\[dev\] one restarted \(pid \d+\)/, 60_000);
    const newOne = await waitUntil(async () => { const p = await pidOf('one'); return p !== one && p; }, 'one to run with a new pid');
    expect(newOne).not.toBe(one);
    await dev!.waitForOutput(new RegExp(`\\[one\\] one started pid ${newOne} LOG_LEVEL=debug`), 30_000);
    expect(await pidOf('two')).toBe(two);
    expect(await alive(two)).toBe(true);
    expect(dev!.output()).not.toMatch(/\[dev\] two: /);
  });

  it('Ctrl-C stops watching and leaves the stack running', async () => {
    dev!.child.kill('SIGINT');
    const r = await dev!.done;
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain('[dev] stopped watching; the stack keeps running');
    expect(await alive((await readAgentPid(stackDir))!)).toBe(true);
    expect(r.stdout + r.stderr).not.toMatch(/^\s{4}at /m);
  });

  it('a plain apply puts the apps back as configured (the dev settings were dev only)', async () => {
    const r = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/env_file\.one: Modifying/);
  });

  it('with --down, Ctrl-C destroys the stack', async () => {
    dev = startCli(['dev', '--down'], { cwd: dir, env, timeoutMs: 600_000 });
    await dev.waitForOutput(/\[dev\] watching one/, 240_000);
    const agent = (await readAgentPid(stackDir))!;
    dev.child.kill('SIGINT');
    const r = await dev.done;
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain('[dev] --down: destroying the stack');
    expect(r.stdout).toMatch(/Destroy complete!/);
    expect(await alive(agent)).toBe(false);
  });
});
