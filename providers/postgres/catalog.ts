/**
 * Turning catalog rows into observed objects, purely. Objects stamped for this project and stack are
 * found by their comment (which names the address and hash), including orphans; anything else only
 * when a target asks for it by name, with a note saying who it belongs to.
 */
import type { Json } from '../../planner/expr.js';
import type { Observed, Scope } from '../../planner/resource.js';
import { ownedByScope, ownerOfComment, parseStamp } from './ownership.js';
import { scramMatches } from './scram.js';
import type { Target } from './targets.js';

export interface RoleRow { name: string; login: boolean; comment: string | null }
export interface DatabaseRow { name: string; owner: string; comment: string | null }
export interface VerifierRow { name: string; verifier: string | null }

type Row = { name: string; comment: string | null; attributes: { [key: string]: Json } };
type Ownership = Pick<Scope, 'project' | 'stack' | 'lineage'>;

function ownerNote(comment: string | null): string {
  const stamp = parseStamp(comment);
  return stamp ? `stamped by omnitron for ${stamp.project}/${stamp.stack} as ${stamp.address}` : 'no omnitron ownership comment';
}

/** Maps rows of one kind to addresses: our stamped rows by comment first, then other rows by wanted name. */
export function mapRows(type: string, rows: Row[], targets: Target[], scope: Ownership): Map<string, Observed> {
  const found = new Map<string, Observed>();
  for (const row of rows) {
    const stamp = parseStamp(row.comment);
    if (!ownedByScope(stamp, scope) || found.has(stamp.address)) continue;
    found.set(stamp.address, { address: stamp.address, type, id: row.name, attributes: row.attributes, hash: stamp.hash, owner: ownerOfComment(row.comment, scope) });
  }
  const claimed = new Set([...found.values()].map((o) => o.id));
  for (const target of targets.filter((t) => t.type === type && !found.has(t.address))) {
    const row = rows.find((r) => r.name === target.name && !claimed.has(r.name));
    // Something only state remembers is never matched to another stack's object: deleting it would hit theirs.
    if (!row || (!target.desired && parseStamp(row.comment))) continue;
    claimed.add(row.name);
    found.set(target.address, { address: target.address, type, id: row.name, attributes: row.attributes, notes: [ownerNote(row.comment)], owner: ownerOfComment(row.comment, scope) });
  }
  return found;
}

export function roleRows(rows: RoleRow[]): Row[] {
  return rows.map((r) => ({ name: r.name, comment: r.comment, attributes: { name: r.name, login: r.login } }));
}

export function databaseRows(rows: DatabaseRow[]): Row[] {
  return rows.map((r) => ({ name: r.name, comment: r.comment, attributes: { name: r.name, owner: r.owner } }));
}

/** Marks roles whose live verifier no longer matches state's password (changed outside omnitron). */
export async function markPasswordDrift(roles: Map<string, Observed>, targets: Target[], verifiers: VerifierRow[], status: string): Promise<void> {
  await Promise.all(targets.map(async (target) => {
    const observed = roles.get(target.address);
    const row = verifiers.find((v) => v.name === observed?.id);
    if (!observed || !row || target.password === undefined) return;
    const drifted = row.verifier === null || (await scramMatches(target.password, row.verifier)) === false;
    if (!drifted) return;
    observed.status = status;
    observed.notes = [...(observed.notes ?? []), 'password differs from state'];
  }));
}
