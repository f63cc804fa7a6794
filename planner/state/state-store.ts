/**
 * The one owner of serial and lineage. Holds the stack's records decrypted in memory and persists
 * every change before the next one starts, one write at a time, so each completed resource is durable
 * and concurrent completions never interleave.
 *
 * A write is normally one journal entry holding only the records that changed (sealed), so its cost
 * does not grow with the state; when the journal outgrows the document, or on `compact`, the whole
 * sealed document is written instead and the backend drops the journal.
 */
import { UserError, error } from '../diagnostics.js';
import type { StateRecord } from '../resource.js';
import type { StateBackend, WriteVersion } from './backend.js';
import { type SealedRecord, type StateDocument, emptyState, parseState, serializeState } from './document.js';
import { type JournalEntry, applyEntry, applyEntryInPlace, encodeEntry, parseEntry } from './journal.js';
import { openRecord, sealRecord, sealedKeyId } from './encryption.js';
import type { StateKey } from './state-key.js';

export interface StateIdentity {
  project: string;
  stack: string;
}

/** The journal is folded into the document once it is larger than this or than the document. */
const MIN_JOURNAL_BYTES = 256 * 1024;

/** One change: a record to store (sealed, and in clear for memory), or an address to forget. */
interface Change {
  address: string;
  sealed?: SealedRecord;
  plain?: StateRecord;
}

interface PendingWrite {
  changes: Change[];
  /** Write the whole document even when nothing changed (compact, rekey). */
  whole?: 'compact' | 'rewrite';
  done: { resolve(): void; reject(err: unknown): void };
}

export class StateStore {
  private readonly backend: StateBackend;
  private readonly key: StateKey;
  private readonly doc: StateDocument;
  private plain: Map<string, StateRecord>;
  private readonly pending: PendingWrite[] = [];
  private flushing: Promise<void> | undefined;
  private persisted: number;
  /** Whether the backend holds a document; the first write is always a whole one. */
  private stored: boolean;
  private documentBytes: number;
  private journalBytes: number;
  /** The tail of the chain that keeps submissions in call order. */
  private ordered: Promise<void> = Promise.resolve();

  private constructor(backend: StateBackend, key: StateKey, doc: StateDocument, plain: Map<string, StateRecord>, sizes: { document: number; journal: number } | null) {
    this.backend = backend;
    this.key = key;
    this.doc = doc;
    this.plain = plain;
    this.persisted = doc.serial;
    this.stored = sizes !== null;
    this.documentBytes = sizes?.document ?? 0;
    this.journalBytes = sizes?.journal ?? 0;
  }

  /** Loads and decrypts the stack's state, or starts an empty one (written on the first change). */
  static async open(backend: StateBackend, key: StateKey, identity: StateIdentity): Promise<StateStore> {
    const loaded = await readDocument(backend);
    if (loaded === null) return new StateStore(backend, key, emptyState(identity.project, identity.stack), new Map(), null);
    checkIdentity(loaded.doc, identity, backend.describe());
    // Opened together: each decryption waits for Node's crypto threads, and one record after another
    // those waits added up. The failure reported is the first record's, as when they were opened in turn.
    const entries = Object.entries(loaded.doc.resources);
    const opened = await Promise.allSettled(entries.map(([, record]) => openRecord(record, key)));
    const failed = opened.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
    const plain = new Map(entries.map(([address], i) => [address, (opened[i] as PromiseFulfilledResult<StateRecord>).value]));
    return new StateStore(backend, key, loaded.doc, plain, loaded.sizes);
  }

  get lineage(): string {
    return this.doc.lineage;
  }

  /** Serial of the last write the backend accepted (0: nothing written yet). */
  get persistedSerial(): number {
    return this.persisted;
  }

  /** Records sorted by address. */
  records(): StateRecord[] {
    return [...this.plain.keys()].sort().map((address) => structuredClone(this.plain.get(address)!));
  }

  get(address: string): StateRecord | undefined {
    const record = this.plain.get(address);
    return record && structuredClone(record);
  }

  /** The current state as one sealed document (no secret in clear), as `state pull` prints it. */
  sealedDocument(): Uint8Array {
    return serializeState(this.doc);
  }

  /** The ids of the keys the stored records are sealed with (the current key's, a previous key's). */
  keyIds(): Set<string> {
    return new Set(Object.values(this.doc.resources).map(sealedKeyId).filter((kid): kid is string => kid !== undefined));
  }

  /** Stores the record and persists; resolves once a write that includes this change is durable. */
  async upsert(record: StateRecord): Promise<void> {
    const copy = structuredClone(record);
    const sealed = await this.inCallOrder(sealRecord(copy, this.key));
    return this.submit([{ address: copy.address, sealed, plain: copy }]);
  }

  /** Forgets the record and persists; removing an unknown address is a no-op that writes nothing. */
  async remove(address: string): Promise<void> {
    await this.inCallOrder(Promise.resolve());
    return this.submit([{ address }]);
  }

  /**
   * Renames a record in one write, with the records that depend on it pointing at the new address.
   * The caller checks that `from` exists and `to` does not.
   */
  async rename(from: string, to: string): Promise<void> {
    const moved = this.plain.get(from);
    if (!moved || this.plain.has(to)) throw new Error(`internal: rename ${from} → ${to} needs ${from} and no ${to}`);
    const renamed = [{ ...structuredClone(moved), address: to }];
    for (const record of this.plain.values()) {
      if (record.address !== from && record.dependsOn.includes(from)) {
        renamed.push({ ...structuredClone(record), dependsOn: record.dependsOn.map((d) => (d === from ? to : d)) });
      }
    }
    const sealed = await this.inCallOrder(Promise.all(renamed.map((r) => sealRecord(r, this.key))));
    return this.submit([{ address: from }, ...renamed.map((plain, i) => ({ address: plain.address, sealed: sealed[i], plain }))]);
  }

  /** Re-seals every record with the store's current key and writes the whole document. */
  async reseal(): Promise<void> {
    const records = [...this.plain.values()];
    const sealed = await this.inCallOrder(Promise.all(records.map((r) => sealRecord(r, this.key))));
    return this.submit(records.map((plain, i) => ({ address: plain.address, sealed: sealed[i], plain })), 'rewrite');
  }

  /** Folds the journal into the document (one whole write at the same serial); nothing to do without a journal. */
  async compact(): Promise<void> {
    await this.inCallOrder(Promise.resolve());
    return this.submit([], 'compact');
  }

  /** Sealing runs in parallel but finishes in any order: changes are still submitted in the order they were made. */
  private inCallOrder<T>(work: Promise<T>): Promise<T> {
    const turn = this.ordered.then(() => work);
    this.ordered = turn.then(() => {}, () => {});
    return turn;
  }

  /** Resolves when every change submitted so far has been written (or failed). */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private submit(changes: Change[], whole?: PendingWrite['whole']): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ changes, ...(whole ? { whole } : {}), done: { resolve, reject } });
      this.flushing ??= this.flush().finally(() => { this.flushing = undefined; });
    });
  }

  /**
   * Group commit: changes that arrive while a write is in flight go out together in the next one.
   * Each caller still resolves only once its change is durable, so "after every resource" holds, but
   * a parallel apply writes once per batch rather than once per resource.
   */
  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        await this.write(batch);
        for (const w of batch) w.done.resolve();
      } catch (err) {
        for (const w of batch) w.done.reject(err);
      }
    }
  }

  /**
   * Writes what the batch changed (an entry, or the whole next document), and only then adopts it in
   * memory. Nothing here copies the whole state unless the whole document is written, so a journal
   * write costs the same at 10 or 10,000 records.
   */
  private async write(batch: PendingWrite[]): Promise<void> {
    const changes = batch.flatMap((w) => w.changes);
    const whole = batch.some((w) => w.whole === 'rewrite') ? 'rewrite' : batch.some((w) => w.whole === 'compact') ? 'compact' : undefined;
    const changed = changes.some((c) => c.sealed || this.plain.has(c.address));
    if (!changed && !(whole === 'rewrite' && this.stored) && !(whole === 'compact' && this.journalBytes > 0)) return;
    const entry = entryOf(changes, { serial: this.doc.serial + (changed || whole === 'rewrite' ? 1 : 0), lineage: this.doc.lineage, at: new Date().toISOString() });
    const version: WriteVersion = { lineage: this.doc.lineage, serial: entry.serial, previous: this.persisted };
    const line = whole ? undefined : encodeEntry(entry);
    if (line && this.stored && this.journalBytes + line.length <= Math.max(MIN_JOURNAL_BYTES, this.documentBytes)) {
      await this.backend.append(line, version);
      this.journalBytes += line.length;
    } else {
      const bytes = serializeState(applyEntry(this.doc, entry));
      await this.backend.put(bytes, version);
      this.stored = true;
      this.documentBytes = bytes.length;
      this.journalBytes = 0;
    }
    this.adopt(entry, changes);
  }

  private adopt(entry: JournalEntry, changes: Change[]): void {
    applyEntryInPlace(this.doc, entry);
    for (const c of changes) {
      if (c.plain) this.plain.set(c.address, c.plain);
      else this.plain.delete(c.address);
    }
    this.persisted = entry.serial;
  }
}

/** The net effect of changes made in order: the last word on each address wins. */
function entryOf(changes: Change[], head: Pick<JournalEntry, 'serial' | 'lineage' | 'at'>): JournalEntry {
  const last = new Map(changes.map((c) => [c.address, c]));
  const upserts: Record<string, SealedRecord> = {};
  const removes: string[] = [];
  for (const [address, c] of last) {
    if (c.sealed) upserts[address] = c.sealed;
    else removes.push(address);
  }
  return { ...head, upserts, removes };
}

/** The document with the journal read back into it, and their sizes (which decide when to compact). */
export async function readDocument(backend: StateBackend): Promise<{ doc: StateDocument; sizes: { document: number; journal: number } } | null> {
  const stored = await backend.read();
  if (stored === null) return null;
  const where = backend.describe();
  const doc = parseState(stored.document, where);
  for (const bytes of stored.journal) {
    const entry = parseEntry(bytes, where);
    // Entries a whole write already holds (it was written, the journal not yet dropped) are skipped.
    if (entry.serial <= doc.serial && entry.lineage === doc.lineage) continue;
    if (entry.lineage !== doc.lineage || entry.serial !== doc.serial + 1) {
      throw new UserError(error(`state journal is not valid: entry for serial ${entry.serial} of lineage ${entry.lineage} follows serial ${doc.serial} of lineage ${doc.lineage}`, {
        file: where, detail: 'The state may be damaged; do not run apply against it. `omnitron state history` lists earlier whole versions.',
      }));
    }
    // In place: the parsed document is ours, and copying it per entry would make reading O(n × entries).
    applyEntryInPlace(doc, entry);
  }
  return { doc, sizes: { document: stored.document.length, journal: stored.journal.reduce((n, e) => n + e.length + 1, 0) } };
}

function checkIdentity(doc: StateDocument, identity: StateIdentity, where: string): void {
  if (doc.project === identity.project && doc.stack === identity.stack) return;
  throw new UserError(error(`state belongs to project "${doc.project}", stack "${doc.stack}", not project "${identity.project}", stack "${identity.stack}"`, {
    file: where,
    detail: 'Check --stack and the project name in omnitron.config.ts; the state file may have been copied from elsewhere.',
  }));
}
