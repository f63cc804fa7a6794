/**
 * A state backend is a dumb store for one stack's state bytes plus an advisory lock. It never parses
 * the state; format version, serial and lineage belong to the StateStore.
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
}

/** What `lock` returns: the new lock, and the stale lock of a dead process it replaced, if any. */
export interface AcquiredLock extends LockInfo {
  takenOver?: LockInfo;
}

export interface StateBackend {
  /** Where the state lives, for messages: a file path, or e.g. `postgres table omnitron_state, stack dev`. */
  describe(): string;
  get(): Promise<Uint8Array | null>;
  put(data: Uint8Array): Promise<void>;
  delete(): Promise<void>;
  /** Takes the lock or throws LockHeldError at once; never waits. */
  lock(request: LockRequest): Promise<AcquiredLock>;
  /** Releases a lock this process holds; throws when `id` is not the current lock. */
  unlock(id: string): Promise<void>;
  readLock(): Promise<LockInfo | null>;
  /** Operator override: removes the lock when `id` matches the current one. */
  forceUnlock(id: string): Promise<void>;
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
  constructor(stack: string, lock: LockInfo) {
    super(error(`state for stack "${stack}" is locked by ${describeHolder(lock)} running "${lock.operation}" since ${lock.createdAt} (lock id ${lock.id})`, {
      detail: `If that process is gone, run: omnitron force-unlock ${lock.id} --stack ${stack}`,
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
