import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { LogSpec } from './types.js';

const FLUSH_DELAY_MS = 20;
const HIGH_WATER_BYTES = 1 << 20;

/**
 * Append-only log file fed by a child's stdout/stderr. Chunks are buffered and written in one batch
 * shortly after (never a write per line); when the file would grow past maxSize it rotates:
 * `.1` … `.maxFiles` (oldest dropped), `.N.gz` when compress is on. Files break at line ends when a
 * line fits. Write errors never reach the supervisor; the latest one is kept on `lastError`.
 */
export class RotatingLog {
  lastError?: Error;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #timer?: NodeJS.Timeout;
  #chain: Promise<void> = Promise.resolve();
  #compression: Promise<void> = Promise.resolve();
  #handle?: FileHandle;
  #size = 0;

  constructor(readonly file: string, private readonly spec: Pick<LogSpec, 'maxSize' | 'maxFiles' | 'compress'>) {}

  /** Queues a chunk; false means the caller should pause its source until `drained()` resolves. */
  write(chunk: Buffer | string): boolean {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.#pending.push(buf);
    this.#pendingBytes += buf.length;
    if (this.#pendingBytes >= HIGH_WATER_BYTES) this.#flushSoon(0);
    else if (!this.#timer) this.#flushSoon(FLUSH_DELAY_MS);
    return this.#pendingBytes < HIGH_WATER_BYTES;
  }

  drained(): Promise<void> {
    return this.flush();
  }

  /** Writes everything queued so far (and waits for any rotation it causes, not for compression). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const data = this.#take();
    this.#chain = this.#chain.then(() => (data ? this.#writeData(data) : undefined)).catch((err: Error) => { this.lastError = err; });
    return this.#chain;
  }

  /** Flushes, waits for compression and closes the file; a later write opens it again. */
  close(): Promise<void> {
    void this.flush();
    this.#chain = this.#chain.then(async () => {
      await this.#compression;
      const handle = this.#handle;
      this.#handle = undefined;
      await handle?.close();
    }).catch((err: Error) => { this.lastError = err; });
    return this.#chain;
  }

  #flushSoon(delay: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush(), delay);
  }

  #take(): Buffer | undefined {
    if (this.#pendingBytes === 0) return undefined;
    const data = Buffer.concat(this.#pending);
    this.#pending = [];
    this.#pendingBytes = 0;
    return data;
  }

  async #writeData(data: Buffer): Promise<void> {
    let rest = data;
    while (rest.length > 0) {
      const handle = await this.#open();
      const cut = this.#cutPoint(rest);
      if (cut === 0) { await this.#rotate(); continue; }
      await handle.write(rest.subarray(0, cut));
      this.#size += cut;
      rest = rest.subarray(cut);
      if (rest.length > 0 || (this.spec.maxSize > 0 && this.#size >= this.spec.maxSize)) await this.#rotate();
    }
  }

  /** How much of `data` fits in the current file: all of it, up to the last newline that fits, or a hard cut. */
  #cutPoint(data: Buffer): number {
    const max = this.spec.maxSize > 0 ? this.spec.maxSize : Number.POSITIVE_INFINITY;
    const room = max - this.#size;
    if (data.length <= room) return data.length;
    const lineEnd = room > 0 ? data.lastIndexOf(0x0a, room - 1) + 1 : 0;
    if (lineEnd > 0) return lineEnd;
    return this.#size > 0 ? 0 : Math.max(room, 1);
  }

  async #open(): Promise<FileHandle> {
    if (this.#handle) return this.#handle;
    await mkdir(path.dirname(this.file), { recursive: true });
    this.#handle = await open(this.file, 'a');
    this.#size = (await this.#handle.stat()).size;
    return this.#handle;
  }

  async #rotate(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
    this.#size = 0;
    await this.#compression;
    const { maxFiles, compress } = this.spec;
    if (maxFiles <= 0) { await rm(this.file, { force: true }); return; }
    await removeGeneration(this.file, maxFiles);
    for (let i = maxFiles - 1; i >= 1; i--) await shiftGeneration(this.file, i);
    await rename(this.file, `${this.file}.1`);
    if (compress) this.#compression = gzipInPlace(`${this.file}.1`).catch((err: Error) => { this.lastError = err; });
  }
}

async function removeGeneration(file: string, n: number): Promise<void> {
  await rm(`${file}.${n}`, { force: true });
  await rm(`${file}.${n}.gz`, { force: true });
}

async function shiftGeneration(file: string, n: number): Promise<void> {
  for (const suffix of ['', '.gz']) {
    const from = `${file}.${n}${suffix}`;
    if (await exists(from)) await rename(from, `${file}.${n + 1}${suffix}`);
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

async function gzipInPlace(file: string): Promise<void> {
  await pipeline(createReadStream(file), createGzip(), createWriteStream(`${file}.gz`));
  await rm(file, { force: true });
}
