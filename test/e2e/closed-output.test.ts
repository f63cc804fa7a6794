/**
 * A reader that closes its end of the pipe early (`omnitron plan | head -1`): the command must finish
 * as it would have, with its own exit code and no stack trace, whatever it still had to print.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI_PATH, REPO_ROOT, requireNode24 } from './support/cli.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/platform/omnitron.config.ts', import.meta.url));
const HANDLER = fileURLToPath(new URL('../../dist/cli/closed-output.js', import.meta.url));
const STACK_TRACE = /^\s{4}at /m;

/** Runs node with `args`, its stdout a pipe whose reading end is closed before the child can write. */
async function withReaderGone(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stderr };
}

/** Writes, lets the event loop turn (as an apply does between steps), writes again, then says it got to the end. */
const script = (guarded: boolean) => `
  ${guarded ? `const { dropOutputWhenReaderCloses } = await import(${JSON.stringify(HANDLER)}); dropOutputWhenReaderCloses(process.stdout);` : ''}
  process.stdout.write('first\\n');
  await new Promise((r) => setTimeout(r, 100));
  process.stdout.write('second\\n');
  await new Promise((r) => setTimeout(r, 100));
  process.stderr.write('reached the end\\n');
`;

describe('output to a reader that went away', () => {
  it('without the handler Node ends the process at the next turn with a stack trace; with it the work carries on', async () => {
    requireNode24();
    const bare = await withReaderGone(['--input-type=module', '-e', script(false)]);
    expect(bare.code).not.toBe(0);
    expect(bare.stderr).toContain('EPIPE');
    expect(bare.stderr).not.toContain('reached the end');

    const guarded = await withReaderGone(['--input-type=module', '-e', script(true)]);
    expect(guarded.stderr).toBe('reached the end\n');
    expect(guarded.code).toBe(0);
  });

  it('a command that runs until stopped (logs -f, status --watch, dev) stops as on Ctrl-C', async () => {
    requireNode24();
    const follow = `
      const { dropOutputWhenReaderCloses, stopWhenReaderCloses } = await import(${JSON.stringify(HANDLER)});
      dropOutputWhenReaderCloses(process.stdout);
      let stopped = false;
      stopWhenReaderCloses(() => { stopped = true; });
      const gaveUp = setTimeout(() => { process.stderr.write('never stopped\\n'); process.exit(3); }, 5000);
      while (!stopped) { process.stdout.write('tick\\n'); await new Promise((r) => setTimeout(r, 50)); }
      clearTimeout(gaveUp);
      process.stderr.write('stopped\\n');
    `;
    const r = await withReaderGone(['--input-type=module', '-e', follow]);
    expect(r.stderr).toBe('stopped\n');
    expect(r.code).toBe(0);
  });

  it('the CLI finishes with its own exit code and no stack trace', async () => {
    requireNode24();
    for (const args of [['graph', '-c', EXAMPLE, '--stack', 'dev'], ['validate', '-c', EXAMPLE]]) {
      const r = await withReaderGone([CLI_PATH, ...args]);
      expect(r.stderr, args.join(' ')).not.toMatch(STACK_TRACE);
      expect(r.stderr, args.join(' ')).not.toContain('EPIPE');
      expect(r.code, args.join(' ')).toBe(0);
    }
  });
});
