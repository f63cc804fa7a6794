import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RotatingLog } from './log-writer.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'omnitron-log-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const line = (i: number): string => `line ${String(i).padStart(3, '0')} ${'x'.repeat(20)}\n`; // 30 bytes

async function writeLines(log: RotatingLog, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) log.write(line(i));
  await log.flush();
}

describe('RotatingLog', () => {
  it('buffers writes and appends them in one batch', async () => {
    const log = new RotatingLog(path.join(dir, 'app', 'web.log'), { maxSize: 10_000, maxFiles: 2, compress: false });
    log.write('a\n');
    log.write('b\n');
    await expect(readFile(path.join(dir, 'app', 'web.log'), 'utf8')).rejects.toThrow(); // nothing written synchronously
    await log.close();
    expect(await readFile(path.join(dir, 'app', 'web.log'), 'utf8')).toBe('a\nb\n');
  });

  it('rotates to .1 … .maxFiles at line ends, dropping the oldest, without compression', async () => {
    const file = path.join(dir, 'web.log');
    const log = new RotatingLog(file, { maxSize: 100, maxFiles: 2, compress: false });
    await writeLines(log, 0, 10); // 300 bytes: 3 lines per file
    await log.close();
    expect((await readdir(dir)).sort()).toEqual(['web.log', 'web.log.1', 'web.log.2']);
    expect(await readFile(`${file}.2`, 'utf8')).toBe(line(3) + line(4) + line(5));
    expect(await readFile(`${file}.1`, 'utf8')).toBe(line(6) + line(7) + line(8));
    expect(await readFile(file, 'utf8')).toBe(line(9));
  });

  it('gzips rotated files as .N.gz and keeps at most maxFiles of them', async () => {
    const file = path.join(dir, 'web.log');
    const log = new RotatingLog(file, { maxSize: 100, maxFiles: 3, compress: true });
    for (let batch = 0; batch < 6; batch++) await writeLines(log, batch * 3, batch * 3 + 3);
    log.write(line(99));
    await log.close();
    expect((await readdir(dir)).sort()).toEqual(['web.log', 'web.log.1.gz', 'web.log.2.gz', 'web.log.3.gz']);
    expect(gunzipSync(await readFile(`${file}.1.gz`)).toString()).toBe(line(15) + line(16) + line(17));
    expect(gunzipSync(await readFile(`${file}.3.gz`)).toString()).toBe(line(9) + line(10) + line(11));
    expect(await readFile(file, 'utf8')).toBe(line(99));
  });

  it('continues an existing file and hard-cuts a line longer than maxSize', async () => {
    const file = path.join(dir, 'web.log');
    const first = new RotatingLog(file, { maxSize: 50, maxFiles: 1, compress: false });
    await writeLines(first, 0, 1);
    await first.close();
    const second = new RotatingLog(file, { maxSize: 50, maxFiles: 1, compress: false });
    second.write('y'.repeat(70));
    await second.close();
    expect(await readFile(`${file}.1`, 'utf8')).toBe('y'.repeat(50));
    expect(await readFile(file, 'utf8')).toBe('y'.repeat(20));
    expect((await stat(file)).size).toBeLessThanOrEqual(50);
  });
  it('opens the file again when written after close', async () => {
    const file = path.join(dir, 'web.log');
    const log = new RotatingLog(file, { maxSize: 1000, maxFiles: 1, compress: false });
    log.write('before\n');
    await log.close();
    log.write('after\n');
    await log.close();
    expect(await readFile(file, 'utf8')).toBe('before\nafter\n');
  });
});
