/**
 * Keeps <stateDir>/status.json current for the planner's node probe, which reads it instead of
 * asking the agent. Writes are atomic (temp file + rename) and coalesced: a change requests a write,
 * at most one happens per interval, and the last request is always written (trailing edge), so a
 * crash loop cannot turn into a write storm and the file never lags the truth by more than a second.
 */
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { STATUS_FILE, type AgentStatus } from '../../contract/agent/status.js';

export interface StatusFileOptions {
  stateDir: string;
  snapshot: () => AgentStatus;
  minIntervalMs?: number;
  now?: () => number;
  onError?: (err: Error) => void;
}

export interface StatusFile {
  readonly path: string;
  /** Something changed: write now, or at the end of the current interval. */
  notify(): void;
  /** Writes immediately and cancels any pending write (startup, shutdown). */
  flush(): void;
  close(): void;
}

export function createStatusFile(opts: StatusFileOptions): StatusFile {
  const file = path.join(opts.stateDir, STATUS_FILE);
  const interval = opts.minIntervalMs ?? 1000;
  const now = opts.now ?? Date.now;
  let lastWrite = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  mkdirSync(opts.stateDir, { recursive: true, mode: 0o755 });

  const write = () => {
    clearTimeout(timer);
    timer = undefined;
    lastWrite = now();
    try {
      writeStatusFile(file, opts.snapshot());
    } catch (err) {
      opts.onError?.(err as Error);
    }
  };
  return {
    path: file,
    notify: () => {
      if (timer) return;
      const wait = lastWrite + interval - now();
      if (wait <= 0) write();
      else timer = setTimeout(write, wait).unref();
    },
    flush: write,
    close: () => { clearTimeout(timer); timer = undefined; },
  };
}

export function writeStatusFile(file: string, status: AgentStatus): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(status, null, 2)}\n`, { mode: 0o644 });
  chmodSync(temp, 0o644); // the creation mode is filtered by umask; readers run as other users
  renameSync(temp, file);
}
