import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './program.js';

async function parse(args: string[]): Promise<{ opts?: Record<string, unknown>; args?: string[]; error?: string }> {
  let ran = false;
  const program = buildProgram(async () => { ran = true; });
  for (const cmd of [program, ...program.commands]) cmd.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    return { error: (err as Error).message };
  }
  const cmd = program.commands.find((c) => c.name() === args[0]) as Command;
  expect(ran).toBe(true);
  return { opts: cmd.opts(), args: cmd.args };
}

describe('status and logs arguments', () => {
  it('status takes the stack and --json', async () => {
    expect((await parse(['status', '-s', 'prod', '--json'])).opts).toMatchObject({ stack: 'prod', json: true });
  });

  it('logs takes the app, -f, -n and --process', async () => {
    const parsed = await parse(['logs', 'api', '-f', '-n', '0', '--process', 'worker', '-s', 'prod']);
    expect(parsed.args).toEqual(['api']);
    expect(parsed.opts).toMatchObject({ follow: true, lines: 0, process: 'worker', stack: 'prod' });
    expect((await parse(['logs', 'api', '--follow', '--lines', '250'])).opts).toMatchObject({ follow: true, lines: 250 });
  });

  it('refuses a bad line count, a missing app and --trust-new-hosts with one clear line', async () => {
    expect((await parse(['logs', 'api', '-n', 'ten'])).error).toMatch(/option '-n, --lines <n>' argument 'ten' is invalid. expected a whole number from 0 to 10000/);
    expect((await parse(['logs', 'api', '-n', '10001'])).error).toMatch(/expected a whole number from 0 to 10000/);
    expect((await parse(['logs'])).error).toMatch(/missing required argument 'app'/);
    expect((await parse(['status', '--trust-new-hosts'])).error).toMatch(/unknown option '--trust-new-hosts'/);
  });
});
