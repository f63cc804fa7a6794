/**
 * Journal entries: what one state write changed, as one line of JSON appended after the document.
 * Records in an entry are sealed exactly as in the document, so the journal holds no secret in clear.
 * The StateStore reads entries back into the document in serial order (state-store.ts).
 */
import * as z from 'zod';
import { UserError, error } from '../diagnostics.js';
import { type SealedRecord, type StateDocument, recordSchema } from './document.js';

export interface JournalEntry {
  /** The serial this entry produces: the document's serial (or the previous entry's) + 1. */
  serial: number;
  lineage: string;
  at: string;
  upserts: Record<string, SealedRecord>;
  removes: string[];
}

const entrySchema = z.object({
  serial: z.number().int().nonnegative(),
  lineage: z.string().min(1),
  at: z.string(),
  upserts: z.record(z.string(), recordSchema),
  removes: z.array(z.string()),
});

export function encodeEntry(entry: JournalEntry): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(entry));
}

export function parseEntry(bytes: Uint8Array, where: string): JournalEntry {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw damaged(where, e instanceof Error ? e.message : String(e));
  }
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw damaged(where, `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  for (const [address, record] of Object.entries(parsed.data.upserts)) {
    if (record.address !== address) throw damaged(where, `upserts["${address}"] holds a record for "${record.address}"`);
  }
  return parsed.data as JournalEntry;
}

/** The document after the entry: a new object; `doc` is left as it was. */
export function applyEntry(doc: StateDocument, entry: JournalEntry): StateDocument {
  const resources = { ...doc.resources };
  for (const address of entry.removes) delete resources[address];
  Object.assign(resources, entry.upserts);
  return { ...doc, resources, serial: entry.serial, updatedAt: entry.at };
}

/** The same, changing `doc` itself (for a document nobody else holds). */
export function applyEntryInPlace(doc: StateDocument, entry: JournalEntry): void {
  for (const address of entry.removes) delete doc.resources[address];
  Object.assign(doc.resources, entry.upserts);
  doc.serial = entry.serial;
  doc.updatedAt = entry.at;
}

function damaged(where: string, why: string): UserError {
  return new UserError(error(`state journal entry is not valid: ${why}`, {
    file: where,
    detail: 'The state may be damaged; do not run apply against it. `omnitron state history` lists earlier whole versions.',
  }));
}
