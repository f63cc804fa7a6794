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
  private readonly plain: Map<string, StateRecord>;
  private queue: Promise<void> = Promise.resolve();
  private persisted: number;

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

  /** Stores the record and persists; resolves once this change is durable. */
  upsert(record: StateRecord): Promise<void> {
    const copy = structuredClone(record);
    return this.enqueue(async () => {
      const sealed = await sealRecord(copy, this.key);
      await this.write(copy.address, sealed, copy);
    });
  }

  /** Forgets the record and persists; removing an unknown address is a no-op that writes nothing. */
  remove(address: string): Promise<void> {
    return this.enqueue(async () => {
      if (this.plain.has(address)) await this.write(address, undefined, undefined);
    });
  }

  /** Resolves when every change queued so far has been written (or failed). */
  async settled(): Promise<void> {
    await this.queue;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Builds the next document, writes it, and only then adopts it in memory. */
  private async write(address: string, sealed: SealedRecord | undefined, plain: StateRecord | undefined): Promise<void> {
    const resources = { ...this.doc.resources };
    if (sealed) resources[address] = sealed;
    else delete resources[address];
    const next: StateDocument = { ...this.doc, resources, serial: this.doc.serial + 1, updatedAt: new Date().toISOString() };
    await this.backend.put(serializeState(next));
    Object.assign(this.doc, next);
    if (plain) this.plain.set(address, plain);
    else this.plain.delete(address);
    this.persisted = next.serial;
  }
}

function checkIdentity(doc: StateDocument, identity: StateIdentity, where: string): void {
  if (doc.project === identity.project && doc.stack === identity.stack) return;
  throw new UserError(error(`state belongs to project "${doc.project}", stack "${doc.stack}", not project "${identity.project}", stack "${identity.stack}"`, {
    file: where,
    detail: 'Check --stack and the project name in omnitron.config.ts; the state file may have been copied from elsewhere.',
  }));
}
