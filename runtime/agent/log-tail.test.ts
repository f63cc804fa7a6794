import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { followLines, tailLines } from './log-tail.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'omnitron-tail-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('tailLines', () => {
  it('returns the last N lines across chunk boundaries', async () => {
    const file = path.join(tmp, 'big.log');
    writeFileSync(file, Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n') + '\n');
    const tail = await tailLines(file, 3);
    expect(tail.lines).toEqual([19_997, 19_998, 19_999].map((i) => `line ${i} ${'x'.repeat(20)}`));
    expect((await tailLines(file, 0)).lines).toEqual([]);
  });

  it('treats a missing file as empty', async () => {
    expect(await tailLines(path.join(tmp, 'none.log'), 10)).toEqual({ lines: [], end: 0 });
  });
});

describe('followLines', () => {
  it('streams appended lines, whole lines only, and follows a rotation', async () => {
    const file = path.join(tmp, 'app.log');
    writeFileSync(file, 'old\n');
    const tail = await tailLines(file, 10);
    const seen: string[] = [];
    const stop = followLines(file, { start: tail.end, ino: tail.ino, onLines: (l) => seen.push(...l), intervalMs: 20 });
    appendFileSync(file, 'one\ntw');
    await until(() => seen.length === 1);
    appendFileSync(file, 'o\nlast before rotation\n');
    renameSync(file, `${file}.1`);
    writeFileSync(file, 'first after rotation\n');
    await until(() => seen.length === 4);
    stop();
    appendFileSync(file, 'after stop\n');
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual(['one', 'two', 'last before rotation', 'first after rotation']);
  });

  it('waits for a file that does not exist yet', async () => {
    const file = path.join(tmp, 'later.log');
    const seen: string[] = [];
    const stop = followLines(file, { start: 0, onLines: (l) => seen.push(...l), intervalMs: 20 });
    await new Promise((r) => setTimeout(r, 60));
    writeFileSync(file, 'hello\n');
    await until(() => seen.length === 1);
    stop();
    expect(seen).toEqual(['hello']);
  });
});
