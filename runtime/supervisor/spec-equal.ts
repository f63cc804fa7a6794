import { createHash } from 'node:crypto';

/** Structural equality for plain JSON-like specs: key order does not matter, array order does. */
export function specEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => specEqual(item, b[i]));
  const left = definedKeys(a as Record<string, unknown>);
  const right = definedKeys(b as Record<string, unknown>);
  return left.length === right.length && left.every((key) => specEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

// `{ health: undefined }` and `{}` describe the same app.
function definedKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).filter((key) => o[key] !== undefined);
}

/** A digest equal for specs that specEqual calls equal: stamped on processes so a later agent can tell whether they still match. */
export function specDigest(spec: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical(spec))).digest('hex').slice(0, 32);
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  return Object.fromEntries(definedKeys(o).sort().map((k) => [k, canonical(o[k])]));
}
