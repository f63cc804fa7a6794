import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../planner/diagnostics.js';
import { buildProgram } from '../program.js';
import { parseServiceFilter } from './discovery.js';

describe('parseServiceFilter', () => {
  it.each([
    ['users', { name: 'users' }],
    ['users@1.0.0', { name: 'users', version: '1.0.0' }],
    ['@scope/users', { name: '@scope/users' }],
    ['@scope/users@2.1.0', { name: '@scope/users', version: '2.1.0' }],
  ])('reads %s', (text, filter) => {
    expect(parseServiceFilter(text)).toEqual(filter);
  });

  it.each(['', ' ', 'users@', '@', ' users', 'users@ 1'])('refuses %j with one line', (text) => {
    expect(() => parseServiceFilter(text)).toThrow(UserError);
    expect(() => parseServiceFilter(text)).toThrow(`--service ${JSON.stringify(text)}: expected NAME or NAME@VERSION`);
  });
});

describe('omnitron discovery ls arguments', () => {
  async function parse(args: string[]): Promise<{ opts?: Record<string, unknown>; error?: string }> {
    const program = buildProgram(async () => {});
    const discovery = program.commands.find((c) => c.name() === 'discovery') as Command;
    for (const cmd of [program, discovery, ...discovery.commands]) cmd.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    try {
      await program.parseAsync(args, { from: 'user' });
    } catch (err) {
      return { error: (err as Error).message };
    }
    return { opts: discovery.commands.find((c) => c.name() === 'ls')!.opts() };
  }

  it('takes the stack, --service and --json', async () => {
    expect((await parse(['discovery', 'ls', '-s', 'prod', '--service', 'users@1.0.0', '--json'])).opts).toMatchObject({ stack: 'prod', service: 'users@1.0.0', json: true });
  });

  it('does not offer --trust-new-hosts: the Redis password never goes to an unpinned host', async () => {
    expect((await parse(['discovery', 'ls', '--trust-new-hosts'])).error).toMatch(/unknown option '--trust-new-hosts'/);
  });
});
