/**
 * Host key trust, decided the way OpenSSH does: a pinned SHA256 fingerprint, else `known_hosts`
 * (plain and hashed `|1|salt|hmac` names, `[host]:port` for ports other than 22, `*`/`?` patterns,
 * `!negation`, `@revoked`). Pure: the connection feeds it the key the server presented.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerHostKeyAlgorithm } from 'ssh2';

export interface KnownHostEntry {
  /** 1-based line number, for messages. */
  lineNumber: number;
  marker?: 'revoked' | 'cert-authority';
  hosts: string;
  type: string;
  /** The public key blob (SSH wire format). */
  key: Buffer;
}

export type HostKeyDecision =
  | { status: 'trusted'; type: string; fingerprint: string; source: string }
  | { status: 'unknown'; type: string; fingerprint: string; knownHostsLine: string }
  | { status: 'changed'; type: string; fingerprint: string; expected: string[]; source: string; revoked: boolean };

export type HostKeyTrust =
  /** `knownHosts`: the user's known_hosts, if any: its `@revoked` lines win over any pin. */
  | { kind: 'pinned'; fingerprint: string; knownHosts?: { path: string; entries: readonly KnownHostEntry[] } }
  | { kind: 'known-hosts'; path: string; entries: readonly KnownHostEntry[] };

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;
const DEFAULT_ALGORITHMS: ServerHostKeyAlgorithm[] = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/** OpenSSH's `SHA256:…` fingerprint of a public key blob (base64 without padding). */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** A pinned fingerprint in canonical form, or undefined when it is not one. */
export function normalizeFingerprint(value: string): string | undefined {
  const trimmed = value.trim();
  return FINGERPRINT.test(trimmed) ? trimmed.replace(/=+$/, '') : undefined;
}

/** The key type named inside a public key blob (its first SSH string), e.g. `ssh-ed25519`. */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return length > 0 && length < 64 && blob.length >= 4 + length ? blob.toString('latin1', 4, 4 + length) : 'unknown';
}

/** How known_hosts names a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function knownHostsLine(name: string, blob: Buffer): string {
  return `${name} ${keyType(blob)} ${blob.toString('base64')}`;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const entry = parseLine(raw.trim(), index + 1);
    if (entry) entries.push(entry);
  });
  return entries;
}

function parseLine(line: string, lineNumber: number): KnownHostEntry | undefined {
  if (line === '' || line.startsWith('#')) return undefined;
  const fields = line.split(/\s+/);
  let marker: KnownHostEntry['marker'];
  if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift()!.slice(1) as KnownHostEntry['marker'];
  const [hosts, type, key] = fields;
  if (!hosts || !type || !key || !/^[A-Za-z0-9+/]+={0,2}$/.test(key)) return undefined;
  return { lineNumber, marker, hosts, type, key: Buffer.from(key, 'base64') };
}

/** Whether a known_hosts host field names `name` (already in `[host]:port` form where needed). */
export function hostsFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) return hashedMatches(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    if (!globMatches(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function hashedMatches(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (!salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function globMatches(pattern: string, name: string): boolean {
  const source = [...pattern.toLowerCase()].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()[\]{}|]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`).test(name.toLowerCase());
}

/** trusted, unknown or changed, for the key `blob` presented by the host known as `name`. */
export function decideHostKey(blob: Buffer, name: string, trust: HostKeyTrust): HostKeyDecision {
  const type = keyType(blob);
  const actual = fingerprint(blob);
  const known = trust.kind === 'pinned' ? trust.knownHosts : trust;
  const at = (e: KnownHostEntry) => `${known!.path}:${e.lineNumber}`;
  const revoked = known?.entries.find((e) => e.marker === 'revoked' && e.key.equals(blob));
  if (revoked) return { status: 'changed', type, fingerprint: actual, expected: [], source: at(revoked), revoked: true };
  if (trust.kind === 'pinned') {
    return actual === trust.fingerprint
      ? { status: 'trusted', type, fingerprint: actual, source: 'pinned hostKey' }
      : { status: 'changed', type, fingerprint: actual, expected: [trust.fingerprint], source: 'pinned hostKey', revoked: false };
  }
  const matching = trust.entries.filter((e) => e.marker !== 'cert-authority' && hostsFieldMatches(e.hosts, name));
  const usable = matching.filter((e) => e.marker === undefined);
  const same = usable.find((e) => e.key.equals(blob));
  if (same) return { status: 'trusted', type, fingerprint: actual, source: at(same) };
  const sameType = usable.filter((e) => keyType(e.key) === type);
  if (sameType.length > 0) {
    return { status: 'changed', type, fingerprint: actual, expected: sameType.map((e) => fingerprint(e.key)), source: sameType.map(at).join(', '), revoked: false };
  }
  // Known under another key type: a server offering a new type is how a man in the middle would look (OpenSSH warns too).
  if (usable.length > 0) {
    return { status: 'changed', type, fingerprint: actual, expected: usable.map((e) => `${keyType(e.key)} ${fingerprint(e.key)}`), source: usable.map(at).join(', '), revoked: false };
  }
  return { status: 'unknown', type, fingerprint: actual, knownHostsLine: knownHostsLine(name, blob) };
}

/** Host key algorithms to offer, the types already known for the host first (as OpenSSH orders them). */
export function hostKeyAlgorithms(trust: HostKeyTrust, name: string): ServerHostKeyAlgorithm[] {
  if (trust.kind === 'pinned') return [...DEFAULT_ALGORITHMS];
  const known = new Set(trust.entries.filter((e) => e.marker === undefined && hostsFieldMatches(e.hosts, name)).map((e) => keyType(e.key)));
  const first = DEFAULT_ALGORITHMS.filter((algorithm) => known.has(algorithm.startsWith('rsa-sha2-') ? 'ssh-rsa' : algorithm));
  return [...first, ...DEFAULT_ALGORITHMS.filter((algorithm) => !first.includes(algorithm))];
}
