/**
 * A state backend is a dumb store for one stack's state plus an advisory lock. It never parses the
 * state: it keeps the last whole document and a journal of entries appended since, all opaque bytes,
 * and stamps each write with the serial and lineage the StateStore hands it (the StateStore owns
 * format version, serial and lineage, and reads the journal back into the document).
 */
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { UserError, error } from '../diagnostics.js';
import { thisProcess } from './lock-holder.js';

export type LockOperation = 'apply' | 'destroy' | (string & {});

export interface LockRequest {
  operation: LockOperation;
}

export interface LockInfo {
  id: string;
  /** `user@host` */
  holder: string;
  host: string;
  pid: number;
  /** The holder's kernel start time and the boot id, so a reused pid or a reboot is not taken for it. */
  startTime?: string;
  bootId?: string;
  operation: LockOperation;
  createdAt: string;
  /** Last sign of life of a holder that heartbeats (the Postgres backend). */
  heartbeatAt?: string;
}

/** What `lock` returns: the new lock, and the stale lock of a dead process it replaced, if any. */
export interface AcquiredLock extends LockInfo {
  takenOver?: LockInfo;
}

/** The stored state: the last whole document, then the entries appended after it, oldest first. */
export interface StoredState {
  document: Uint8Array;
  journal: Uint8Array[];
}

/**
 * Every write names the serial it produces and the serial it read (`previous`, 0 for an empty store):
 * a backend refuses the write with StaleStateError when what it holds is no longer `previous`.
 */
export interface WriteVersion {
  lineage: string;
  serial: number;
  previous: number;
  /** When the version was first written; a migration keeps the original time. Default: now. */
  writtenAt?: string;
}

/** One whole document a backend kept (every `put`), newest last. */
export interface HistoryEntry {
  serial: number;
  lineage: string;
  writtenAt: string;
  bytes: number;
}

export interface StateBackend {
  /** Where the state lives, for messages: a file path, or `postgres://user:***@host/db schema omnitron, stack dev`. Never a password. */
  describe(): string;
  read(): Promise<StoredState | null>;
  /** Replaces the document, clears the journal and keeps the document in the history. */
  put(document: Uint8Array, version: WriteVersion): Promise<void>;
  /** Appends one entry after the document; durable when it resolves. */
  append(entry: Uint8Array, version: WriteVersion): Promise<void>;
  /** Forgets the current state (a backend may keep a copy aside); history stays. */
  delete(): Promise<void>;
  history(): Promise<HistoryEntry[]>;
  /** A document from the history, or null when that serial was never `put`. */
  readVersion(serial: number): Promise<Uint8Array | null>;
  /** Takes the lock or throws LockHeldError at once; never waits (see acquireLock for waiting). */
  lock(request: LockRequest): Promise<AcquiredLock>;
  /** Releases a lock this process holds; throws when `id` is not the current lock. */
  unlock(id: string): Promise<void>;
  readLock(): Promise<LockInfo | null>;
  /** Operator override: removes the lock when `id` matches the current one. */
  forceUnlock(id: string): Promise<void>;
  /** Closes connections and handles; the backend is not used afterwards. */
  close(): Promise<void>;
}

export function newLockInfo(request: LockRequest): LockInfo {
  const me = thisProcess();
  return {
    id: randomUUID(),
    holder: `${currentUser()}@${me.host}`,
    ...me,
    operation: request.operation,
    createdAt: new Date().toISOString(),
  };
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

// Fields are declared rather than constructor parameter properties so Node's type stripping can load this file.
export class LockHeldError extends UserError {
  /** The stack name (not `stack`, which Error uses for the trace). */
  readonly stackName: string;
  readonly lock: LockInfo;
  /** `waitedMs`: how long --lock-wait waited before giving up. */
  constructor(stack: string, lock: LockInfo, waitedMs?: number) {
    const waited = waitedMs !== undefined ? `; waited ${formatDuration(waitedMs)} for it` : '';
    super(error(`state for stack "${stack}" is locked by ${describeHolder(lock)} running "${lock.operation}" since ${lock.createdAt} (${lockAge(lock)}${waited}; lock id ${lock.id})`, {
      detail: `${waitedMs === undefined ? 'To wait for it, add --lock-wait 5m. ' : ''}If that process is gone, run: omnitron force-unlock ${lock.id} --stack ${stack}`,
    }));
    this.name = 'LockHeldError';
    this.stackName = stack;
    this.lock = lock;
  }
}

/** `root@box (pid 4242)`, naming the host separately when the holder does not already. */
export function describeHolder(lock: LockInfo): string {
  const who = lock.holder.endsWith(`@${lock.host}`) ? lock.holder : `${lock.holder} on ${lock.host}`;
  return `${who} (pid ${lock.pid})`;
}

export function lockMismatch(stack: string, id: string, current: LockInfo | null): UserError {
  if (!current) return new UserError(error(`state for stack "${stack}" is not locked (no lock with id ${id})`));
  return new UserError(error(`lock id ${id} does not match the lock on stack "${stack}"`, {
    detail: `The current lock is ${current.id}, held by ${describeHolder(current)} running "${current.operation}" since ${current.createdAt}.`,
  }));
}

/** `held 4m12s`, from the lock's creation to now (a clock behind the holder's reads as 0s). */
export function lockAge(lock: LockInfo, now = Date.now()): string {
  return `held ${formatDuration(Math.max(0, now - Date.parse(lock.createdAt)))}`;
}

/** `850ms`, `12s`, `4m12s`, `3h05m`, `2d04h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'an unknown time';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d${String(Math.floor(s / 3600) % 24).padStart(2, '0')}h`;
}

/** A write whose `previous` serial is no longer what the store holds: someone else wrote in between. */
export class StaleStateError extends UserError {
  constructor(where: string, expected: { serial: number; lineage: string }, found: { serial: number; lineage: string } | null) {
    const what = found === null ? 'no state' : found.lineage !== expected.lineage ? `another state (lineage ${found.lineage})` : `serial ${found.serial}`;
    super(error(`state changed since it was read: expected serial ${expected.serial} of lineage ${expected.lineage}, found ${what}`, {
      file: where,
      detail: 'Another omnitron wrote this state meanwhile (without holding the lock). Nothing was written; run the command again.',
    }));
    this.name = 'StaleStateError';
  }
}

/** The lock's connection was lost: another process may hold the lock now, so this one must not write. */
export class LockLostError extends UserError {
  constructor(stack: string, where: string, why: string) {
    super(error(`lost the state lock for stack "${stack}" (${why}); stopped before writing state`, {
      file: where,
      detail: 'Another omnitron may hold the lock now. Nothing more was written; run `omnitron plan` to see where things stand, then apply again.',
    }));
    this.name = 'LockLostError';
  }
}
