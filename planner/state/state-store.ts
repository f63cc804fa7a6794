/**
 * The one owner of serial and lineage. Holds the stack's records decrypted in memory and persists the
 * whole sealed document after every change, one write at a time, so each completed resource is on
 * disk before the next write starts and concurrent completions never interleave.
 */
import { UserError, error } from '../diagnostics.js';
import type { StateRecord } from '../resource.js';
import type { StateBackend } from './backend.js';
import { type SealedRecord, type StateDocument, emptyState, parseState, serializeState } from './document.js';
import { openRecord, sealRecord } from './encryption.js';
import type { StateKey } from './state-key.js';

export interface StateIdentity {
  project: string;
  stack: string;
}

export class StateStore {
  private readonly backend: StateBackend;
  private readonly key: StateKey;
  private readonly doc: StateDocument;
  private plain: Map<string, StateRecord>;
  private readonly pending: PendingChange[] = [];
  private flushing: Promise<void> | undefined;
  private persisted: number;
  /** The tail of the chain that keeps submissions in call order. */
  private ordered: Promise<void> = Promise.resolve();

  private constructor(backend: StateBackend, key: StateKey, doc: StateDocument, plain: Map<string, StateRecord>, persisted: number) {
    this.backend = backend;
    this.key = key;
    this.doc = doc;
    this.plain = plain;
    this.persisted = persisted;
  }

  /** Loads and decrypts the stack's state, or starts an empty one (written on the first change). */
  static async open(backend: StateBackend, key: StateKey, identity: StateIdentity): Promise<StateStore> {
    const bytes = await backend.get();
    if (bytes === null) return new StateStore(backend, key, emptyState(identity.project, identity.stack), new Map(), 0);
    const doc = parseState(bytes, backend.describe());
    checkIdentity(doc, identity, backend.describe());
    const plain = new Map<string, StateRecord>();
    for (const [address, record] of Object.entries(doc.resources)) plain.set(address, await openRecord(record, key));
    return new StateStore(backend, key, doc, plain, doc.serial);
  }

  get lineage(): string {
    return this.doc.lineage;
  }

  /** Serial of the last document the backend accepted (0: nothing written yet). */
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

  /** Stores the record and persists; resolves once a write that includes this change is durable. */
  async upsert(record: StateRecord): Promise<void> {
    const copy = structuredClone(record);
    const sealed = await this.inCallOrder(sealRecord(copy, this.key));
    return this.submit({ address: copy.address, sealed, plain: copy });
  }

  /** Forgets the record and persists; removing an unknown address is a no-op that writes nothing. */
  async remove(address: string): Promise<void> {
    await this.inCallOrder(Promise.resolve());
    return this.submit({ address });
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

  private submit(change: Omit<PendingChange, 'done'>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ ...change, done: { resolve, reject } });
      this.flushing ??= this.flush().finally(() => { this.flushing = undefined; });
    });
  }

  /**
   * Group commit: changes that arrive while a write is in flight go out together in the next one.
   * Each caller still resolves only once its change is on disk, so "after every resource" holds, but
   * a parallel apply writes the document once per batch rather than once per resource.
   */
  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        await this.write(batch);
        for (const c of batch) c.done.resolve();
      } catch (err) {
        for (const c of batch) c.done.reject(err);
      }
    }
  }

  /** Builds the next document, writes it, and only then adopts it in memory. */
  private async write(batch: PendingChange[]): Promise<void> {
    const resources = { ...this.doc.resources };
    const plain = new Map(this.plain);
    for (const c of batch) {
      if (c.sealed && c.plain) { resources[c.address] = c.sealed; plain.set(c.address, c.plain); }
      else { delete resources[c.address]; plain.delete(c.address); }
    }
    if (batch.every((c) => !c.sealed && !this.plain.has(c.address))) return;
    const next: StateDocument = { ...this.doc, resources, serial: this.doc.serial + 1, updatedAt: new Date().toISOString() };
    await this.backend.put(serializeState(next));
    Object.assign(this.doc, next);
    this.plain = plain;
    this.persisted = next.serial;
  }
}

interface PendingChange {
  address: string;
  sealed?: SealedRecord;
  plain?: StateRecord;
  done: { resolve(): void; reject(err: unknown): void };
}

function checkIdentity(doc: StateDocument, identity: StateIdentity, where: string): void {
  if (doc.project === identity.project && doc.stack === identity.stack) return;
  throw new UserError(error(`state belongs to project "${doc.project}", stack "${doc.stack}", not project "${identity.project}", stack "${identity.stack}"`, {
    file: where,
    detail: 'Check --stack and the project name in omnitron.config.ts; the state file may have been copied from elsewhere.',
  }));
}
