/**
 * examples/ci/drift-check.sh, run by a real `sh` with a stand-in omnitron (OMNITRON_BIN) that prints a
 * report and exits as drift would: the report reaches stdout, the report file and $GITHUB_STEP_SUMMARY,
 * and the exit code is drift's. (test/e2e/drift.test.ts runs it against the real CLI.)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../examples/ci/drift-check.sh', import.meta.url));

describe('examples/ci/drift-check.sh', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'omnitron-ci-script-'));
    // Records its arguments and the state URL it saw, prints a report, exits with $FAKE_EXIT.
    writeFileSync(join(dir, 'omnitron'), '#!/bin/sh\nprintf "%s\\n" "$@" > "$FAKE_ARGS"\necho "url=${OMNITRON_STATE_URL-unset}" >> "$FAKE_ARGS"\necho "## omnitron drift report"\nexit "$FAKE_EXIT"\n');
    chmodSync(join(dir, 'omnitron'), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (exit: number, env: Record<string, string> = {}) => {
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = spawnSync('sh', [SCRIPT], {
      cwd: dir, encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', OMNITRON_BIN: join(dir, 'omnitron'), OMNITRON_STATE_KEY: 'k', FAKE_EXIT: String(exit), FAKE_ARGS: join(dir, 'args'), GITHUB_STEP_SUMMARY: summary, ...env },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, summary: readFileSync(summary, 'utf8'), args: readFileSync(join(dir, 'args'), 'utf8').trim().split('\n') };
  };

  it('passes drift\'s exit code through and appends the report to the step summary', () => {
    for (const code of [0, 2, 3, 1]) {
      const r = run(code);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stdout).toContain('## omnitron drift report');
      expect(r.summary).toBe('# earlier step\n## omnitron drift report\n');
      expect(readFileSync(join(dir, 'drift-report.md'), 'utf8')).toBe('## omnitron drift report\n');
    }
  });

  it('asks for the Markdown report of the stack, with each --ignore, and drops an empty state URL', () => {
    const r = run(0, { OMNITRON_STACK: 'dev', DRIFT_IGNORE: 'docker_container.redis app.ledger', OMNITRON_STATE_URL: '' });
    expect(r.args).toEqual(['drift', '--config', 'omnitron.config.ts', '--stack', 'dev', '--format', 'markdown', '--no-color', '--ignore', 'docker_container.redis', '--ignore', 'app.ledger', 'url=unset']);
  });

  it('turns "only config changes not yet applied" into success when DRIFT_ALLOW_PENDING=1, but never drift', () => {
    expect(run(3, { DRIFT_ALLOW_PENDING: '1' }).code).toBe(0);
    expect(run(2, { DRIFT_ALLOW_PENDING: '1' }).code).toBe(2);
  });

  it('refuses to run without the state key', () => {
    const r = spawnSync('sh', [SCRIPT], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', OMNITRON_BIN: join(dir, 'omnitron') } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('set OMNITRON_STATE_KEY from a CI secret');
  });
});
