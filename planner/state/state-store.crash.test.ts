import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadStateKey } from './encryption.js';
import { LocalBackend } from './local-backend.js';
import { StateStore } from './state-store.js';

const writer = fileURLToPath(new URL('../../test/support/state/crash-writer.mjs', import.meta.url));
let root: string;
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'omnitron-crash-')); });
afterAll(() => rm(root, { recursive: true, force: true }));

/** Starts the writer, waits until it holds the lock and has written once, then SIGKILLs it after `delayMs`. */
function runAndKill(stackDir: string, env: NodeJS.ProcessEnv, delayMs: number): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [writer, stackDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
      if (out.includes('\n')) setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk; });
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? done(out.trim()) : fail(new Error(`writer exited early: ${err}`))));
  });
}

it('a writer killed with SIGKILL at a random moment always leaves a valid, decryptable state, and the next run converges', async () => {
  const env = { ...process.env, OMNITRON_STATE_KEY: randomBytes(32).toString('hex') };
  const key = await loadStateKey({ env });
  const stackDir = join(root, '.omnitron', 'dev');
  let lastSerial = 0;
  let lineage: string | undefined;

  for (let run = 0; run < 8; run++) {
    const banner = await runAndKill(stackDir, env, 20 + Math.floor(Math.random() * 120));
    expect(banner).toBe(`ready ${lastSerial} ${run === 0 ? 'fresh' : 'took-over'}`);

    const store = await StateStore.open(new LocalBackend({ stackDir, stack: 'dev' }), key, { project: 'crash', stack: 'dev' });
    expect(store.persistedSerial).toBeGreaterThan(lastSerial);
    lineage ??= store.lineage;
    expect(store.lineage).toBe(lineage);
    for (const record of store.records()) expect(record.outputs.result).toMatch(/^crash-secret-\d+-\d-/);
    expect(await readFile(join(stackDir, 'state.json'), 'utf8')).not.toContain('crash-secret-');
    lastSerial = store.persistedSerial;
  }
  expect((await readdir(stackDir)).filter((name) => name.startsWith('state.lock.'))).toEqual([]);
}, 30_000);
