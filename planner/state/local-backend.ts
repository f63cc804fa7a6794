/**
 * State in files under the stack directory (`<root>/.omnitron/<stack>/`): `state.json`, its previous
 * version `state.json.backup`, and `state.lock`. Every write goes to a temp file that is fsynced and
 * renamed over the old one, so a crash at any moment leaves either the old or the new state, whole.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError, error } from '../diagnostics.js';
import { type AcquiredLock, type LockInfo, type LockRequest, type StateBackend, LockHeldError, lockMismatch, newLockInfo } from './backend.js';
import { syncDir } from '../sync-dir.js';
import { holderIsGone } from './lock-holder.js';

export interface LocalBackendOptions {
  /** `<root>/.omnitron/<stack>`; created 0700 on first write. */
  stackDir: string;
  stack: string;
}

const STATE = 'state.json';
const TEMP = /^state\.json\..+\.tmp$/;

export class LocalBackend implements StateBackend {
  readonly dir: string;
  readonly stack: string;
  readonly statePath: string;
  readonly backupPath: string;
  readonly lockPath: string;

  constructor(options: LocalBackendOptions) {
    this.dir = options.stackDir;
    this.stack = options.stack;
    this.statePath = join(this.dir, STATE);
    this.backupPath = join(this.dir, `${STATE}.backup`);
    this.lockPath = join(this.dir, 'state.lock');
  }

  describe(): string {
    return this.statePath;
  }

  async get(): Promise<Uint8Array | null> {
    return ifExists(() => readFile(this.statePath));
  }

  async put(data: Uint8Array): Promise<void> {
    await this.ensureDir();
    const temp = join(this.dir, `${STATE}.${process.pid}.${randomUUID()}.tmp`);
    await writeDurably(temp, data);
    await this.keepBackup();
    await rename(temp, this.statePath);
    await syncDir(this.dir);
  }

  /** Moves the state aside to the backup rather than destroying the last copy. */
  async delete(): Promise<void> {
    await ifExists(() => rename(this.statePath, this.backupPath));
    await ifExists(() => syncDir(this.dir));
  }

  async lock(request: LockRequest): Promise<AcquiredLock> {
    await this.ensureDir();
    const info = newLockInfo(request);
    const held = await this.tryCreateLock(info);
    if (!held) return this.acquired(info);
    if (!holderIsGone(held)) throw new LockHeldError(this.stack, held);
    await this.removeStaleLock(held);
    const again = await this.tryCreateLock(info);
    if (again) throw new LockHeldError(this.stack, again);
    return this.acquired(info, held);
  }

  async unlock(id: string): Promise<void> {
    const current = await this.readLock();
    if (current?.id !== id) throw lockMismatch(this.stack, id, current);
    await ifExists(() => unlink(this.lockPath));
  }

  forceUnlock(id: string): Promise<void> {
    return this.unlock(id);
  }

  async readLock(): Promise<LockInfo | null> {
    const text = await ifExists(() => readFile(this.lockPath, 'utf8'));
    return text === null ? null : parseLock(text, this.lockPath);
  }

  private async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  /** Hard-links the current state as the backup, so the backup is never a half-written copy. */
  private async keepBackup(): Promise<void> {
    const temp = join(this.dir, `${STATE}.backup.${randomUUID()}.tmp`);
    const linked = await ifExists(() => link(this.statePath, temp));
    if (linked !== null) await rename(temp, this.backupPath);
  }

  /** Creates the lock file, or returns the lock already held; retries when a holder releases meanwhile. */
  private async tryCreateLock(info: LockInfo): Promise<LockInfo | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.linkLock(info)) return null;
      const held = await this.readLock();
      if (held) return held;
    }
    throw new UserError(error('could not take the state lock: it was released and retaken repeatedly', { file: this.lockPath }));
  }

  /** Writes the lock aside and hard-links it into place, so the lock file is never seen half-written. */
  private async linkLock(info: LockInfo): Promise<boolean> {
    const temp = join(this.dir, `state.lock.${randomUUID()}.tmp`);
    await writeDurably(temp, new TextEncoder().encode(`${JSON.stringify(info, null, 2)}\n`));
    try {
      const linked = await ifExists(() => link(temp, this.lockPath), 'EEXIST');
      if (linked !== null) await syncDir(this.dir);
      return linked !== null;
    } finally {
      await unlink(temp);
    }
  }

  /**
   * Moves the stale lock aside before deleting it and checks it was the one judged stale: if another
   * process replaced it in between, that fresh lock is put back and reported as held.
   */
  private async removeStaleLock(stale: LockInfo): Promise<void> {
    const aside = join(this.dir, `state.lock.stale.${randomUUID()}`);
    if ((await ifExists(() => rename(this.lockPath, aside))) === null) return;
    const moved = parseLock(await readFile(aside, 'utf8'), aside);
    if (moved.id !== stale.id) await ifExists(() => link(aside, this.lockPath), 'EEXIST');
    await unlink(aside);
    if (moved.id !== stale.id) throw new LockHeldError(this.stack, moved);
  }

  /** Only the lock holder writes, so temp files present now are debris from a killed writer. */
  private async acquired(info: LockInfo, takenOver?: LockInfo): Promise<AcquiredLock> {
    for (const name of await readdir(this.dir)) {
      if (TEMP.test(name)) await ifExists(() => unlink(join(this.dir, name)));
    }
    return takenOver ? { ...info, takenOver } : info;
  }
}

function parseLock(text: string, path: string): LockInfo {
  try {
    const lock = JSON.parse(text) as LockInfo;
    if (typeof lock.id === 'string' && typeof lock.pid === 'number' && typeof lock.host === 'string') return lock;
  } catch {
    // reported below
  }
  throw new UserError(error('lock file is not valid', {
    file: path,
    detail: 'Make sure no omnitron apply or destroy is running for this stack, then delete the file.',
  }));
}

async function writeDurably(path: string, data: Uint8Array): Promise<void> {
  const file = await open(path, 'wx', 0o600);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
}


/** Runs `fn`, turning the given error code (ENOENT by default) into null. */
async function ifExists<T>(fn: () => Promise<T>, tolerated = 'ENOENT'): Promise<T | null> {
  try {
    return await fn();
  } catch (e) {
    if (code(e) === tolerated) return null;
    throw e;
  }
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}
