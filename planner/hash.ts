import { createHash } from 'node:crypto';
import type { Json } from './expr.js';

/** JSON with object keys sorted, so equal values always serialise (and hash) the same way. */
export function canonicalJson(value: Json): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The config hash stamped on live objects: the first 32 hex chars of sha256 over canonical JSON. */
export function configHash(value: Json): string {
  return sha256(canonicalJson(value)).slice(0, 32);
}
