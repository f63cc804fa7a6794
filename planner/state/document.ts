/**
 * The state document: one versioned JSON file per stack. Format version, serial and lineage live here
 * and in the StateStore only; backends store the bytes without looking inside.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { UserError, error } from '../diagnostics.js';
import type { StateRecord } from '../resource.js';
import type { Json } from '../expr.js';

export const FORMAT_VERSION = 1;

/** A record as stored: its sensitive values moved into one JWE string `sealed` (see encryption.ts). */
export interface SealedRecord extends StateRecord {
  sealed?: string;
}

export interface StateDocument {
  formatVersion: typeof FORMAT_VERSION;
  /** Fixed when the state is first created; tells two unrelated states of the same name apart. */
  lineage: string;
  /** Bumped on every write. */
  serial: number;
  project: string;
  stack: string;
  resources: Record<string, SealedRecord>;
  updatedAt: string;
}

export function emptyState(project: string, stack: string): StateDocument {
  return {
    formatVersion: FORMAT_VERSION,
    lineage: randomUUID(),
    serial: 0,
    project,
    stack,
    resources: {},
    updatedAt: new Date().toISOString(),
  };
}

// Stored bytes go through JSON.parse, so every value is JSON already: checking that again value by
// value (z.json()) cost a no-op plan ~20 ms. Only presence is checked.
const jsonValue = z.custom<Json>((v) => v !== undefined, { error: 'required' });

// Loose, so a field added to StateRecord later is kept rather than silently dropped on the next write.
export const recordSchema = z.looseObject({
  address: z.string().min(1),
  type: z.string().min(1),
  id: z.string().optional(),
  attributes: jsonValue,
  outputs: z.record(z.string(), jsonValue),
  connection: jsonValue.optional(),
  dependsOn: z.array(z.string()),
  sensitive: z.array(z.string()),
  hash: z.string(),
  updatedAt: z.string(),
  sealed: z.string().optional(),
});

const documentSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  lineage: z.string().min(1),
  serial: z.number().int().nonnegative(),
  project: z.string(),
  stack: z.string(),
  resources: z.record(z.string(), recordSchema),
  updatedAt: z.string(),
});

/** Parses and validates stored bytes; `where` names the file (or table) in the error. */
export function parseState(bytes: Uint8Array, where: string): StateDocument {
  const raw = parseJson(bytes, where);
  checkFormatVersion(raw, where);
  const parsed = documentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(where, `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  for (const [address, record] of Object.entries(parsed.data.resources)) {
    if (record.address !== address) throw corrupt(where, `resources["${address}"] holds a record for "${record.address}"`);
  }
  return parsed.data as StateDocument;
}

/** Stable bytes: records sorted by address, two-space indent, trailing newline. */
export function serializeState(doc: StateDocument): Uint8Array {
  const resources: Record<string, SealedRecord> = {};
  for (const address of Object.keys(doc.resources).sort()) resources[address] = doc.resources[address];
  return new TextEncoder().encode(`${JSON.stringify({ ...doc, resources }, null, 2)}\n`);
}

function parseJson(bytes: Uint8Array, where: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw corrupt(where, e instanceof Error ? e.message : String(e));
  }
}

function checkFormatVersion(raw: unknown, where: string): void {
  const version = typeof raw === 'object' && raw !== null ? (raw as { formatVersion?: unknown }).formatVersion : undefined;
  if (typeof version === 'number' && version > FORMAT_VERSION) {
    throw new UserError(error(`state was written by a newer omnitron (format version ${version}; this one reads up to ${FORMAT_VERSION})`, {
      file: where,
      detail: 'Upgrade omnitron to read this state. Do not edit the file by hand.',
    }));
  }
}

function corrupt(where: string, why: string): UserError {
  return new UserError(error(`state is not valid: ${why}`, {
    file: where,
    detail: 'The state may be damaged; do not run apply against it. The file backend keeps the previous version as state.json.backup.',
  }));
}
