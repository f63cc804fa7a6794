/**
 * Sensitive values at rest: the values at a record's `sensitive` paths are moved out of the record into
 * one compact JWE (`dir` + `A256GCM`) in its `sealed` field; the plain record never reaches a backend.
 */
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import { UserError, error } from '../diagnostics.js';
import type { Json } from '../expr.js';
import type { StateRecord } from '../resource.js';
import type { SealedRecord } from './document.js';
import type { StateKey } from './state-key.js';

export { loadStateKey, keyFilePath, PASSPHRASE_SALT, type StateKey, type LoadStateKeyOptions } from './state-key.js';

/** One secret, by the actual keys leading to it (a dotted path alone is ambiguous when keys contain dots). */
interface Secret { keys: string[]; value: Json }

type Container = { [key: string]: Json } | Json[];

export async function sealRecord(record: StateRecord, key: StateKey): Promise<SealedRecord> {
  const copy = structuredClone(record) as SealedRecord;
  delete copy.sealed;
  const secrets = record.sensitive.flatMap((path) => takeSecret(copy, path));
  if (secrets.length === 0) return copy;
  copy.sealed = await encrypt(new TextEncoder().encode(JSON.stringify(secrets)), key);
  return copy;
}

export async function openRecord(record: SealedRecord, key: StateKey): Promise<StateRecord> {
  const { sealed, ...rest } = structuredClone(record);
  if (sealed === undefined) return rest;
  const plain = await decrypt(sealed, key, 'state', record.address);
  for (const secret of JSON.parse(new TextDecoder().decode(plain)) as Secret[]) putSecret(rest, secret);
  return rest;
}

/** Encrypts a whole file's bytes (saved plans); the result is the compact JWE as UTF-8. */
export async function sealBytes(bytes: Uint8Array, key: StateKey): Promise<Uint8Array> {
  return new TextEncoder().encode(await encrypt(bytes, key));
}

export async function openBytes(sealed: Uint8Array | string, key: StateKey, what = 'saved plan'): Promise<Uint8Array> {
  const text = typeof sealed === 'string' ? sealed : new TextDecoder().decode(sealed);
  return decrypt(text.trim(), key, what);
}

function encrypt(bytes: Uint8Array, key: StateKey): Promise<string> {
  return new CompactEncrypt(bytes).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: key.kid }).encrypt(key.bytes);
}

/** The id of the key a record's secrets are sealed with; undefined for a record without secrets or a damaged seal. */
export function sealedKeyId(record: SealedRecord): string | undefined {
  if (record.sealed === undefined) return undefined;
  try {
    const { kid } = decodeProtectedHeader(record.sealed);
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

async function decrypt(jwe: string, key: StateKey, what: string, address?: string): Promise<Uint8Array> {
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(jwe).kid;
  } catch {
    throw new UserError(error(`cannot decrypt ${what}: the encrypted value is damaged`, { address }));
  }
  // The current key, else a previous one kept while state sealed with it remains (see `state rekey`).
  const match = [key, ...(key.previous ?? [])].find((k) => k.kid === kid);
  if (!match) throw wrongKey(what, key, address);
  try {
    const { plaintext } = await compactDecrypt(jwe, match.bytes, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    return plaintext;
  } catch {
    // The key id matched, so the ciphertext itself was altered.
    throw new UserError(error(`cannot decrypt ${what}: the encrypted value is damaged or was tampered with`, { address }));
  }
}

function wrongKey(what: string, key: StateKey, address?: string): UserError {
  const detail = key.created
    ? `The key file ${key.source} did not exist and was just created. Restore the original key file, or set OMNITRON_STATE_KEY to the original key.`
    : 'Set OMNITRON_STATE_KEY (or OMNITRON_STATE_KEY_FILE) to the key this state was written with.';
  return new UserError(error(`cannot decrypt ${what}: the key from ${key.source} does not match the one this ${what} was written with`, { address, detail }));
}

/** Removes the value at a dotted `attributes.`/`outputs.` path from `record`, returning it as a Secret. */
function takeSecret(record: SealedRecord, path: string): Secret[] {
  const found = locate(record as unknown as Container, path.split('.'));
  if (!found) return [];
  const { parent, keys } = found;
  const last = keys[keys.length - 1];
  const value = (parent as Record<string, Json>)[last];
  if (Array.isArray(parent) || keys.length === 1) (parent as Record<string, Json>)[last] = emptyFor(keys);
  else delete (parent as Record<string, Json>)[last];
  return [{ keys, value }];
}

/** Root values and array elements are blanked rather than removed, keeping the record's shape and indices. */
function emptyFor(keys: string[]): Json {
  return keys.length === 1 && keys[0] === 'outputs' ? {} : null;
}

function putSecret(record: StateRecord, secret: Secret): void {
  let node = record as unknown as Record<string, Json>;
  for (const key of secret.keys.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string, Json>;
  }
  node[secret.keys[secret.keys.length - 1]] = secret.value;
}

/**
 * Follows dotted segments, joining segments when a key itself contains dots (`labels.com.example.x`).
 * Returns the container holding the value and the actual keys leading to it.
 */
function locate(root: Container, segments: string[]): { parent: Container; keys: string[] } | undefined {
  if (segments[0] !== 'attributes' && segments[0] !== 'outputs' && segments[0] !== 'connection') return undefined;
  return walk(root, segments, []);
}

function walk(node: Container, rest: string[], keys: string[]): { parent: Container; keys: string[] } | undefined {
  for (let take = 1; take <= rest.length; take++) {
    const key = rest.slice(0, take).join('.');
    if (!Object.hasOwn(node, key)) continue;
    if (take === rest.length) return { parent: node, keys: [...keys, key] };
    const child = (node as Record<string, Json>)[key];
    if (child === null || typeof child !== 'object') continue;
    const found = walk(child, rest.slice(take), [...keys, key]);
    if (found) return found;
  }
  return undefined;
}
