/**
 * The agent (root) reads an app's defineSystem in a child running as the app's user: the bootstrap's
 * code runs with that user's uid, never root's. Needs root (to switch users) and the real agent bundle.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgentBundle } from '../../test/support/agent/agent-process.js';
import { lookupUser } from './os-user.js';
import { readSystemAs } from './system-as-user.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'omnitron-system-as-'));
let bundle: string;

beforeAll(async () => {
  chmodSync(tmp, 0o755);
  bundle = await buildAgentBundle(path.join(tmp, 'agent.bundle.mjs'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bootstrap(name: string, code: string): string {
  const file = path.join(tmp, `${name}.mjs`);
  writeFileSync(file, code, { mode: 0o644 });
  return file;
}

describe.runIf(process.getuid?.() === 0)('defineSystem read as the app user', () => {
  it('runs the bootstrap under the app user\'s uid and hands the definition back as data', async () => {
    const file = bootstrap('whoami', "import { defineSystem } from '@omnitron-dev/omnitron';\nexport default defineSystem({ name: `uid-${process.getuid()}`, version: '1.2.3', processes: [{ name: 'main', module: './main.js' }] });\n");
    const nobody = lookupUser('nobody');
    const def = await readSystemAs(file, nobody, tmp, { execPath: process.execPath, bundle });
    expect(def).toEqual({ name: `uid-${nobody.uid}`, version: '1.2.3', processes: [{ name: 'main', module: './main.js' }] });
  });

  it('a bootstrap that throws fails with its message, naming the user', async () => {
    const file = bootstrap('broken', "throw new Error('config service unreachable');\n");
    await expect(readSystemAs(file, lookupUser('nobody'), tmp, { execPath: process.execPath, bundle }))
      .rejects.toThrow(/reading defineSystem as user nobody: .*config service unreachable/);
  });
});
