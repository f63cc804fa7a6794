/**
 * `tail -n N` and `tail -F` for the supervisor's log files. Following keeps the file open, so lines
 * written just before a rotation are still read from the renamed file before switching to the new one.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

const CHUNK = 64 * 1024;

export interface Tail { lines: string[]; end: number; ino?: number }

/** The last `count` complete-or-trailing lines; a missing file is empty (the app has not logged yet). */
export async function tailLines(file: string, count: number): Promise<Tail> {
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], end: 0 };
    throw err;
  }
  try {
    const { size, ino } = await fh.stat();
    return { lines: await lastLines(fh, size, count), end: size, ino };
  } finally {
    await fh.close();
  }
}

async function lastLines(fh: FileHandle, size: number, count: number): Promise<string[]> {
  if (count <= 0) return [];
  let pos = size;
  let text = '';
  while (pos > 0 && newlines(text) <= count) {
    const len = Math.min(CHUNK, pos);
    pos -= len;
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, pos);
    text = buf.toString('utf8') + text;
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-count);
}

function newlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export interface FollowOptions { start: number; ino?: number; onLines: (lines: string[]) => void; intervalMs?: number }

/** Polls for appended lines until the returned stop function is called. */
export function followLines(file: string, opts: FollowOptions): () => void {
  let fh: FileHandle | undefined;
  let ino = opts.ino;
  let offset = opts.start;
  let partial = '';
  const decoder = new StringDecoder('utf8'); // a UTF-8 sequence may straddle two reads
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const drain = async () => {
    if (!fh) return;
    const { size } = await fh.stat();
    if (size < offset) offset = 0; // truncated in place
    while (offset < size) {
      const buf = Buffer.alloc(Math.min(CHUNK, size - offset));
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
      partial += decoder.write(buf.subarray(0, bytesRead));
    }
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    if (lines.length && !stopped) opts.onLines(lines);
  };
  const reopenIfRotated = async () => {
    const current = await stat(file).catch(() => undefined);
    if (!current || (fh && current.ino === ino)) return;
    if (fh) { await drain(); await fh.close(); fh = undefined; }
    if (current.ino !== ino) offset = 0; // a new file, or not the one the tail read
    ino = current.ino;
    fh = await open(file, 'r');
  };
  const tick = async () => {
    try {
      await reopenIfRotated();
      await drain();
    } catch { /* the file vanished between calls: try again next tick */ }
    if (stopped) void fh?.close().catch(() => undefined);
    else timer = setTimeout(tick, opts.intervalMs ?? 200);
  };
  void tick();
  return () => {
    if (stopped) return;
    stopped = true;
    if (timer) { clearTimeout(timer); void fh?.close().catch(() => undefined); }
  };
}
