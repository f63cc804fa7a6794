import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSnapshot } from './files.js';

const dir = mkdtempSync(path.join(tmpdir(), 'omnitron-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readSnapshot', () => {
  it('reads content and mode, and tells a missing file from one that cannot be read', async () => {
    const file = path.join(dir, 'app.env');
    writeFileSync(file, 'A=1\n', { mode: 0o640 });
    expect(await readSnapshot(file)).toEqual({ content: 'A=1\n', mode: 0o640 });
    expect(await readSnapshot(path.join(dir, 'missing.env'))).toBeUndefined();
    await expect(readSnapshot(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('refuses a FIFO at once rather than waiting for a writer that never comes', async () => {
    const fifo = path.join(dir, 'fifo.env');
    execFileSync('mkfifo', [fifo]);
    await expect(readSnapshot(fifo)).rejects.toThrow(`${fifo} is not a regular file`);
  });
});
