import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './program.js';
import { normalizeArgv } from './terraform-flags.js';
import { refuseWithRefreshOnly } from './commands/refresh-only.js';
import { UserError } from '../planner/diagnostics.js';

async function parse(args: string[]): Promise<{ opts?: Record<string, unknown>; error?: string }> {
  const program = buildProgram(async () => {});
  for (const cmd of [program, ...program.commands]) cmd.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  try {
    await program.parseAsync(normalizeArgv(args), { from: 'user' });
  } catch (err) {
    return { error: (err as Error).message };
  }
  return { opts: (program.commands.find((c) => c.name() === args[0]) as Command).opts() };
}

describe('drift arguments', () => {
  it('defaults to the text format and collects every --ignore', async () => {
    expect((await parse(['drift'])).opts).toMatchObject({ format: 'text' });
    expect((await parse(['drift', '-s', 'prod', '--format', 'markdown', '--ignore', 'docker_container.redis', '--ignore', 'app.ledger'])).opts)
      .toEqual({ stack: 'prod', format: 'markdown', ignore: ['docker_container.redis', 'app.ledger'], color: true });
  });

  it('refuses an unknown format and --trust-new-hosts with one clear line', async () => {
    expect((await parse(['drift', '--format', 'yaml'])).error).toMatch(/argument 'yaml' is invalid. Allowed choices are text, json, markdown/);
    expect((await parse(['drift', '--trust-new-hosts'])).error).toMatch(/unknown option '--trust-new-hosts'/);
  });
});

describe('--refresh-only', () => {
  it('is a plan and apply flag, in Terraform\'s single-dash spelling too', async () => {
    expect((await parse(['plan', '-refresh-only', '-detailed-exitcode'])).opts).toMatchObject({ refreshOnly: true, detailedExitcode: true });
    expect((await parse(['apply', '-refresh-only', '-auto-approve'])).opts).toMatchObject({ refreshOnly: true, autoApprove: true });
  });

  it('refuses the flags it cannot honour by name, and passes when none is given', () => {
    const refused = (() => {
      try {
        refuseWithRefreshOnly('plan', { '--out': 'p.plan', '--target': [], '--destroy': undefined, '--trust-new-hosts': true });
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as UserError).diagnostics[0].summary).toBe('plan --refresh-only cannot be combined with --out, --trust-new-hosts');
    expect(() => refuseWithRefreshOnly('apply', { '--target': [], '--json': undefined, '--allow-empty': false })).not.toThrow();
  });
});
