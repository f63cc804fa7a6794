/**
 * A process's stdout and stderr go into a named pipe the agent reads into the log, instead of an
 * anonymous pipe: a new agent can open the same FIFO and keep logging for a process it adopted. The
 * child holds the FIFO open for reading too, so its writes never fail with EPIPE while no agent reads
 * (they wait once the pipe's buffer is full, i.e. only during a hand-over).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, lstatSync, mkdirSync, openSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface OutputPipe {
  /** For the child's stdio (stdout and stderr); close it in the agent once the child is spawned. */
  childFd: number;
  reader: net.Socket;
}

export function openOutputPipe(file: string): OutputPipe {
  ensureFifo(file);
  const reader = readerOf(file);
  try {
    return { childFd: openSync(file, constants.O_RDWR), reader };
  } catch (err) {
    reader.destroy();
    throw err;
  }
}

/** Reads an existing FIFO (an adopted process's output); undefined when it is not there any more. */
export function reopenOutputPipe(file: string): net.Socket | undefined {
  try {
    if (!lstatSync(file).isFIFO()) return undefined;
  } catch {
    return undefined;
  }
  return readerOf(file);
}

export function closeFd(fd: number): void {
  try { closeSync(fd); } catch { /* already closed */ }
}

function readerOf(file: string): net.Socket {
  // O_NONBLOCK: opening the read side must not wait for a writer, and libuv reads it as a pipe, off the thread pool.
  return new net.Socket({ fd: openSync(file, constants.O_RDONLY | constants.O_NONBLOCK), readable: true, writable: false });
}

function ensureFifo(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    if (lstatSync(file).isFIFO()) return;
    rmSync(file, { force: true, recursive: true });
  } catch { /* absent */ }
  // Node has no mkfifo(3); coreutils' mkfifo takes the path as one argv element.
  execFileSync('mkfifo', ['-m', '0600', '--', file], { stdio: 'ignore' });
}
