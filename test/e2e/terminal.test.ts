/**
 * The operator's terminal, for real: the built CLI in tmux on a one-app local stack. The ink plan and
 * approval prompt are answered with send-keys, `status --watch` redraws from the agent until Ctrl-C,
 * and with NO_COLOR or TERM=dumb the terminal shows exactly the plain output a pipe gets. Screens are
 * read with capture-pane and compared to goldens after normalising paths, pids, times and samples.
 * The `it`s run in order and share one stack.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldensIn } from '../support/goldens.js';
import { CLI_PATH, describeRun, REPO_ROOT, requireNode24, runCli } from './support/cli.js';
import { stopLocalAgent } from './support/local-agent.js';
import { startTmux, tmuxAvailable, type Tmux, type WindowOptions } from './support/tmux.js';

const expectGolden = goldensIn(fileURLToPath(new URL('../goldens/terminal-e2e/', import.meta.url)));

const CONFIG = `import { defineEcosystem } from '@omnitron-dev/omnitron/config';
export default defineEcosystem({
  project: 'termdemo',
  apps: [{ name: 'tick', script: './apps/tick/main.js' }],
});
`;
const APP = `setInterval(() => {}, 1000);
if (process.send) process.send({ type: 'ready' });
`;

/** Everything a terminal-only variable could change, left to each window to set. */
const PLAIN_SWITCHES = ['CI', 'NO_COLOR', 'FORCE_COLOR'];

describe('the CLI in a real terminal (tmux)', () => {
  let root: string;
  let dir: string;
  let keyFile: string;
  let tmux: Tmux;

  beforeAll(async () => {
    requireNode24();
    if (!(await tmuxAvailable())) throw new Error('tmux is not installed (apt-get install tmux; .ci/run does it)');
    root = await mkdtemp(join(tmpdir(), 'omnitron-terminal-'));
    dir = join(root, 'project');
    keyFile = join(root, 'state.key');
    await mkdir(join(dir, 'apps/tick/config'), { recursive: true });
    await writeFile(join(dir, 'omnitron.config.ts'), CONFIG);
    await writeFile(join(dir, 'apps/tick/main.js'), APP);
    await writeFile(join(dir, 'apps/tick/config/default.json'), '{}\n');
    await writeFile(join(dir, 'apps/tick/package.json'), '{ "name": "tick", "type": "module" }\n');
    tmux = startTmux();
  });

  afterAll(async () => {
    await tmux?.close();
    if (dir) await stopLocalAgent(join(dir, '.omnitron/dev'), dir);
    if (root) await rm(root, { recursive: true, force: true });
  });

  const cliEnv = (): NodeJS.ProcessEnv => ({ ...process.env, CI: 'true', OMNITRON_STATE_KEY_FILE: keyFile });
  const windowOptions = (set: Record<string, string> = {}): WindowOptions => ({ cwd: dir, unset: PLAIN_SWITCHES, set: { OMNITRON_STATE_KEY_FILE: keyFile, ...set } });
  const omnitron = (...args: string[]) => [process.execPath, CLI_PATH, ...args];

  /** What a pipe gets, line by line as a terminal shows it: trailing blanks gone. */
  const asScreen = (text: string) => text.split('\n').map((l) => l.trimEnd()).join('\n').replace(/\n+$/, '');
  /** The screen without the `[exit N]` line the window adds. */
  const output = (screen: string) => asScreen(screen.replace(/\n?\[exit \d+\]\s*$/, ''));
  const normalise = (text: string) => text
    .replaceAll(process.execPath, '<node>').replaceAll(dir, '<project>').replaceAll(REPO_ROOT, '<repo>/')
    .replace(/"[0-9a-f]{64}"/g, '"<sha256>"');

  it.each([['NO_COLOR', { NO_COLOR: '1' }], ['TERM=dumb', { TERM: 'dumb' }]])('with %s the terminal shows exactly the plain plan a pipe gets, no escape codes', async (name, set) => {
    const piped = await runCli(['plan'], { cwd: dir, env: cliEnv() });
    expect(piped.code, describeRun(piped)).toBe(0);
    const window = await tmux.open(`plain-${name.replace(/\W/g, '')}`, omnitron('plan'), windowOptions(set));
    const screen = await window.waitFor(/\[exit \d+\]/, 'plan to finish');
    expect(screen).toContain('[exit 0]');
    expect(output(screen)).toBe(asScreen(piped.stdout + piped.stderr));
    expect(await window.capture({ escapes: true })).not.toMatch(/\x1b\[[\d;]*m/);
  });

  it('apply shows the ink plan grouped by provider, in colour, and takes "yes" typed into the ink prompt', async () => {
    const window = await tmux.open('apply', omnitron('apply'), windowOptions());
    const asking = await window.waitFor(/Enter a value:/, 'the approval prompt');
    expectGolden('apply-prompt.txt', `${normalise(output(asking))}\n`);
    const coloured = await window.capture({ escapes: true });
    expect(coloured).toMatch(/\x1b\[32m\+/);
    await window.sendKeys('yes', 'Enter');
    const done = await window.waitFor(/\[exit \d+\]/, 'apply to finish');
    expect(done).toMatch(/Enter a value: yes\n/);
    expect(done).toContain('Apply complete! Resources: 4 added, 0 changed, 0 destroyed.');
    expect(done).toContain('[exit 0]');
  });

  it('status --watch shows the agent\'s table with CPU and RSS sampled, redraws it, and ends on Ctrl-C', async () => {
    const window = await tmux.open('watch', omnitron('status', '--watch', '--interval', '1s'), windowOptions());
    // The agent samples CPU and RSS every few seconds: the row fills in once it has.
    const row = /^ {2}tick +running +0 +unknown +\d+\.\d% +\d+\.\d MiB +(\d+[smhd].*)$/m;
    const first = await window.waitFor(row, 'tick running with CPU and RSS');
    const firstUptime = first.match(row)![1];
    await window.waitFor((s) => (s.match(row)?.[1] ?? firstUptime) !== firstUptime, 'the uptime to move on');
    const screen = await window.capture();
    expectGolden('status-watch.txt', `${tableShape(screen)}\n`);
    expect(screen.match(/agent running/g)?.length, 'redrawn in place, not printed again').toBe(1);
    await window.sendKeys('C-c');
    expect(await window.waitFor(/\[exit \d+\]/, 'status --watch to end')).toContain('[exit 0]');
  });

  it('destroy --auto-approve stops the agent', async () => {
    const r = await runCli(['destroy', '--auto-approve'], { cwd: dir, env: cliEnv() });
    expect(r.code, describeRun(r)).toBe(0);
  });
});

/** The watch screen with what changes from run to run (pids, times, samples) replaced, one cell per column. */
function tableShape(screen: string): string {
  return screen.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '')
    .map((l) => l
      .replace(/pid \d+/, 'pid <pid>').replace(/up [\dsmhd ]+,/, 'up <time>,').replace(/v[\d.]+\)/, 'v<version>)')
      .replace(/^( {2}tick .*)$/, (row) => row.trim().split(/\s{2,}/).map((cell, i) => (i >= 4 ? `<${['cpu', 'rss', 'uptime'][i - 4]}>` : cell)).join(' | '))
      .replace(/^ {2}(APP .*)$/, (_m, head: string) => head.split(/\s{2,}/).join(' | ')))
    .join('\n');
}
