/**
 * State in files under the stack directory (`<root>/.omnitron/<stack>/`): `state.json` (the last whole
 * document), `state.journal` (entries appended since, one line each), `state.json.backup` (the document
 * before), `history/<serial>-<lineage>.json` (every document written) and `state.lock`.
 *
 * A document goes to a temp file that is fsynced and renamed over the old one, so a crash leaves the old
 * or the new document, whole. A journal entry is one line appended and fdatasynced: a crash can leave
 * only a torn last line, which has no newline yet, is never returned, and is cut off before the next append.
 */
import { randomUUID } from 'node:crypto';
import { type FileHandle, link, mkdir, open, readFile, readdir, rename, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError, error } from '../diagnostics.js';
import {
  type AcquiredLock, type HistoryEntry, type LockInfo, type LockRequest, type StateBackend, type StoredState, type WriteVersion,
  LockHeldError, LockLostError, StaleStateError, lockMismatch, newLockInfo,
} from './backend.js';
import { syncDir } from '../sync-dir.js';
import { holderIsGone } from './lock-holder.js';

export interface LocalBackendOptions {
  /** `<root>/.omnitron/<stack>`; created 0700 on first write. */
  stackDir: string;
  stack: string;
}

const STATE = 'state.json';
const TEMP = /^state\.json\..+\.tmp$/;
const HISTORY_FILE = /^(\d{10})-([A-Za-z0-9-]+)\.json$/;
const NEWLINE = 0x0a;

export class LocalBackend implements StateBackend {
  readonly dir: string;
  readonly stack: string;
  readonly statePath: string;
  readonly backupPath: string;
  readonly journalPath: string;
  readonly historyDir: string;
  readonly lockPath: string;
  private journal: FileHandle | undefined;
  /** The serial and lineage this handle last wrote: a later write naming another `previous` is stale. */
  private written: { serial: number; lineage: string } | undefined;
  /** The id of the lock this handle holds: every write first checks the lock file still names it (fencing). */
  private held: string | undefined;

  constructor(options: LocalBackendOptions) {
    this.dir = options.stackDir;
    this.stack = options.stack;
    this.statePath = join(this.dir, STATE);
    this.backupPath = join(this.dir, `${STATE}.backup`);
    this.journalPath = join(this.dir, 'state.journal');
    this.historyDir = join(this.dir, 'history');
    this.lockPath = join(this.dir, 'state.lock');
  }

  describe(): string {
    return this.statePath;
  }

  async read(): Promise<StoredState | null> {
    const document = await ifExists(() => readFile(this.statePath));
    if (document === null) return null;
    const journal = await ifExists(() => readFile(this.journalPath));
    return { document: new Uint8Array(document), journal: journal ? completeLines(journal) : [] };
  }

  async put(document: Uint8Array, version: WriteVersion): Promise<void> {
    await this.checkStillHeld();
    this.checkPrevious(version);
    await this.ensureDir();
    const temp = join(this.dir, `${STATE}.${process.pid}.${randomUUID()}.tmp`);
    await writeDurably(temp, document);
    await this.keepInHistory(temp, version);
    await this.keepBackup();
    await rename(temp, this.statePath);
    await syncDir(this.dir);
    // Entries up to this serial are in the document now; a journal that survives a crash here is ignored.
    await this.dropJournal();
    this.written = { serial: version.serial, lineage: version.lineage };
  }

  async append(entry: Uint8Array, version: WriteVersion): Promise<void> {
    if (entry.includes(NEWLINE)) throw new Error('internal: a journal entry must be one line');
    await this.checkStillHeld();
    this.checkPrevious(version);
    const journal = this.journal ?? await this.openJournal();
    await journal.write(Buffer.concat([entry, Buffer.from('\n')]));
    await journal.datasync();
    this.written = { serial: version.serial, lineage: version.lineage };
  }

  /** Moves the state aside to the backup rather than destroying the last copy. */
  async delete(): Promise<void> {
    await ifExists(() => rename(this.statePath, this.backupPath));
    await this.dropJournal();
    await ifExists(() => syncDir(this.dir));
    this.written = undefined;
  }

  async history(): Promise<HistoryEntry[]> {
    const names = (await ifExists(() => readdir(this.historyDir))) ?? [];
    const entries: HistoryEntry[] = [];
    for (const name of names) {
      const match = HISTORY_FILE.exec(name);
      if (!match) continue;
      const info = await stat(join(this.historyDir, name));
      entries.push({ serial: Number(match[1]), lineage: match[2], writtenAt: info.mtime.toISOString(), bytes: info.size });
    }
    return entries.sort((a, b) => a.serial - b.serial);
  }

  async readVersion(serial: number): Promise<Uint8Array | null> {
    const names = (await ifExists(() => readdir(this.historyDir))) ?? [];
    const name = names.find((n) => HISTORY_FILE.exec(n)?.[1] === historySerial(serial));
    if (!name) return null;
    return new Uint8Array(await readFile(join(this.historyDir, name)));
  }

  async close(): Promise<void> {
    const journal = this.journal;
    this.journal = undefined;
    await journal?.close();
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
    if (this.held === id) this.held = undefined;
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

  /** A lock this handle took and someone removed (force-unlock) or replaced: it must not write any more. */
  private async checkStillHeld(): Promise<void> {
    if (this.held === undefined) return;
    const current = await this.readLock();
    if (current?.id === this.held) return;
    throw new LockLostError(this.stack, this.lockPath, current ? `the lock file now names lock ${current.id} of ${current.holder}` : 'the lock file was removed');
  }

  private checkPrevious(version: WriteVersion): void {
    const { written } = this;
    if (written && (written.serial !== version.previous || written.lineage !== version.lineage)) {
      throw new StaleStateError(this.statePath, { serial: version.previous, lineage: version.lineage }, written);
    }
  }

  /** The document's temp file is hard-linked into history/ before it is renamed into place. */
  private async keepInHistory(temp: string, version: WriteVersion): Promise<void> {
    if (!/^[A-Za-z0-9-]+$/.test(version.lineage)) throw new Error(`internal: lineage ${JSON.stringify(version.lineage)} is not a file name`);
    await mkdir(this.historyDir, { recursive: true, mode: 0o700 });
    const path = join(this.historyDir, `${historySerial(version.serial)}-${version.lineage}.json`);
    await ifExists(() => unlink(path));
    await link(temp, path);
    if (version.writtenAt) {
      const at = new Date(version.writtenAt);
      await utimes(path, at, at);
    }
    await syncDir(this.historyDir);
  }

  /** Opens the journal for appending, first cutting off a torn last line a killed writer may have left. */
  private async openJournal(): Promise<FileHandle> {
    await this.ensureDir();
    const existing = await ifExists(() => readFile(this.journalPath));
    const handle = await open(this.journalPath, 'a', 0o600);
    try {
      if (existing && existing.length > 0 && existing[existing.length - 1] !== NEWLINE) {
        await handle.truncate(existing.lastIndexOf(NEWLINE) + 1);
      }
      if (existing === null) await syncDir(this.dir);
    } catch (e) {
      await handle.close();
      throw e;
    }
    this.journal = handle;
    return handle;
  }

  private async dropJournal(): Promise<void> {
    await this.close();
    await ifExists(() => unlink(this.journalPath));
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
    this.held = info.id;
    return takenOver ? { ...info, takenOver } : info;
  }
}

/** Every line that ends with a newline; a torn last line is left out. */
function completeLines(data: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
    if (end > start) lines.push(new Uint8Array(data.subarray(start, end)));
    start = end + 1;
  }
  return lines;
}

function historySerial(serial: number): string {
  return String(serial).padStart(10, '0');
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
