/**
 * Turning one server's probe (CONFIG GET databases, then marker and key count of every DB) into
 * observed objects, purely. DBs marked for this project and stack are found by their marker, orphans
 * included; a wanted index that is out of range, used by someone else, or holding unmarked data is
 * reported with a status or note so the plan can say so.
 */
import type { Observed, Scope } from '../../planner/resource.js';
import { describeOwner, isOurs, ownerOfMarker, parseMarker, type Marker } from './marker.js';
import { REDIS_DATABASE_TYPE, type Target } from './targets.js';

/** Observed.status values. */
export const OUT_OF_RANGE = 'out-of-range';
export const IN_USE = 'in-use';

export interface DbRow { index: number; marker?: Marker; keys: number }

export function parseDatabases(reply: unknown): number {
  const n = Array.isArray(reply) ? Number(reply[1]) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new Error('CONFIG GET databases gave no usable answer');
  return n;
}

/** Replies of probeAll(n): [select, marker, dbsize] per index, then the final select. */
export function probeRows(replies: unknown[], databases: number): DbRow[] {
  return Array.from({ length: databases }, (_, index) => ({
    index,
    marker: parseMarker(replies[index * 3 + 1]),
    keys: Number(replies[index * 3 + 2]),
  }));
}

export function outOfRangeNote(index: number, databases: number): string {
  return `index ${index} is beyond the server's ${databases} databases (0-${databases - 1}): raise \`databases\``;
}

function located(t: Target, status: string | undefined, note: string): Observed {
  return { address: t.address, type: REDIS_DATABASE_TYPE, id: String(t.index), attributes: { index: t.index ?? null }, ...(status ? { status } : {}), notes: [note] };
}

type Ownership = Pick<Scope, 'project' | 'stack' | 'lineage'>;

function unmatched(t: Target, rows: DbRow[], databases: number): Observed | undefined {
  if (t.index === undefined) return undefined;
  if (t.index < 0 || t.index >= databases) return located(t, OUT_OF_RANGE, outOfRangeNote(t.index, databases));
  const row = rows[t.index];
  if (row.marker) return located(t, IN_USE, `index ${t.index} is used by ${describeOwner(row.marker)}`);
  if (t.desired && row.keys > 0) return { ...located(t, undefined, `index ${t.index} holds ${row.keys} keys without an omnitron marker`), owner: { kind: 'none' } };
  return undefined;
}

export function mapDatabases(rows: DbRow[], databases: number, targets: Target[], scope: Ownership): Map<string, Observed> {
  const found = new Map<string, Observed>();
  for (const { index, marker } of rows) {
    if (!isOurs(marker, scope) || found.has(marker.address)) continue;
    found.set(marker.address, {
      address: marker.address, type: REDIS_DATABASE_TYPE, id: String(index),
      attributes: { index, app: marker.app, purpose: marker.purpose }, hash: marker.hash, owner: ownerOfMarker(marker, scope),
    });
  }
  for (const t of targets.filter((x) => !found.has(x.address))) {
    const o = unmatched(t, rows, databases);
    if (o) found.set(t.address, o);
  }
  return found;
}
