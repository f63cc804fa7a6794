/**
 * Attribute values of desired resources. Most are plain JSON; a value that only exists after another
 * resource is applied (a generated password, a container's host port) is a Ref, and strings built from
 * such values are Templates. They are resolved against state: at plan time unknown refs render as
 * "(known after apply)", at apply time every ref must resolve.
 */
import { createHash } from 'node:crypto';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Ref { $ref: string; output: string }
export interface Template { $template: Array<string | Ref> }
/** A digest of another expression's resolved value: lets a restart trigger follow content that holds secrets. */
export interface Digest { $digest: Expr }
export type Expr = null | boolean | number | string | Ref | Template | Digest | Expr[] | { [key: string]: Expr };

/** Marker for a value not known until apply. Never serialised into state. */
export const UNKNOWN: unique symbol = Symbol.for('omnitron.unknown');
export type Unknown = typeof UNKNOWN;
/** A resolved value: JSON, or UNKNOWN anywhere inside it. */
export type Value = null | boolean | number | string | Unknown | Value[] | { [key: string]: Value };

export function ref(address: string, output: string): Ref {
  return { $ref: address, output };
}

export function template(...parts: Array<string | Ref>): Template {
  return { $template: parts };
}

export function digest(of: Expr): Digest {
  return { $digest: of };
}

export function isDigest(e: unknown): e is Digest {
  return typeof e === 'object' && e !== null && '$digest' in e && Object.keys(e).length === 1;
}

export function isRef(e: unknown): e is Ref {
  return typeof e === 'object' && e !== null && typeof (e as Ref).$ref === 'string';
}

export function isTemplate(e: unknown): e is Template {
  return typeof e === 'object' && e !== null && Array.isArray((e as Template).$template);
}

/** Every address an expression refers to. */
export function refsOf(e: Expr, into: Set<string> = new Set()): Set<string> {
  if (isRef(e)) into.add(e.$ref);
  else if (isTemplate(e)) for (const p of e.$template) { if (isRef(p)) into.add(p.$ref); }
  else if (isDigest(e)) refsOf(e.$digest, into);
  else if (Array.isArray(e)) for (const x of e) refsOf(x, into);
  else if (e !== null && typeof e === 'object') for (const x of Object.values(e)) refsOf(x, into);
  return into;
}

/** Looks up an output of an applied resource; undefined when not (yet) known. */
export type OutputLookup = (address: string, output: string) => Json | undefined;

export function resolve(e: Expr, lookup: OutputLookup): Value {
  if (isRef(e)) return lookup(e.$ref, e.output) ?? UNKNOWN;
  if (isTemplate(e)) {
    let out = '';
    for (const part of e.$template) {
      if (typeof part === 'string') { out += part; continue; }
      const v = lookup(part.$ref, part.output);
      if (v === undefined) return UNKNOWN;
      out += typeof v === 'string' ? v : JSON.stringify(v);
    }
    return out;
  }
  if (isDigest(e)) {
    const v = resolve(e.$digest, lookup);
    return containsUnknown(v) ? UNKNOWN : createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 32);
  }
  if (Array.isArray(e)) return e.map((x) => resolve(x, lookup));
  if (e !== null && typeof e === 'object') {
    const out: { [key: string]: Value } = {};
    for (const [k, v] of Object.entries(e)) out[k] = resolve(v, lookup);
    return out;
  }
  return e;
}

export function containsUnknown(v: Value): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === 'object') return Object.values(v).some(containsUnknown);
  return false;
}

/** Narrow a fully known value to JSON; throws if anything is still unknown (an engine bug at apply time). */
export function known(v: Value, what: string): Json {
  if (containsUnknown(v)) throw new Error(`internal: ${what} still has unknown values at apply time`);
  return v as Json;
}
