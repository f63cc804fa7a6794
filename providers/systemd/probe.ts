/**
 * Requests to the node probe and the facts it answers, purely: requests are encoded one per line
 * (base64 fields, so any byte in a path survives), answers are parsed back into typed facts.
 */
import { PROBE_SCRIPT } from './probe-script.js';

export type ProbeRequest =
  | { kind: 'file'; path: string; content: boolean; /** Trust the sha256 recorded beside the file while its size and mtime match (large artifacts). */ cachedHash?: boolean }
  | { kind: 'dir'; path: string }
  | { kind: 'user'; name: string }
  | { kind: 'package'; name: string }
  | { kind: 'unit'; name: string }
  | { kind: 'marker'; path: string }
  | { kind: 'release'; root: string }
  /** A validateCommand, run as `user` when that account exists and is not root, else as nobody (never as root). */
  | { kind: 'command'; command: string; user?: string };

export type RawStatus = 'ok' | 'missing' | 'conflict' | 'error';
export interface RawAnswer { status: RawStatus; fields: Buffer[] }

/** Largest file whose content the probe returns (for plan diffs); larger ones are compared by hash only. */
export const MAX_PROBED_CONTENT = 65_536;

export function requestKey(r: ProbeRequest): string {
  return JSON.stringify(r);
}

function args(r: ProbeRequest): string[] {
  switch (r.kind) {
    case 'file': return [r.path, r.content ? '1' : r.cachedHash ? 'c' : '0'];
    case 'dir': case 'marker': return [r.path];
    case 'user': case 'package': case 'unit': return [r.name];
    case 'release': return [r.root];
    case 'command': return r.user ? [r.command, r.user] : [r.command];
  }
}

/** `=value` when `read -r` takes it back as it is; base64 otherwise (a value can never be read as two). */
const field = (value: string) => (/^[^\t\r\n]*$/.test(value) ? `=${value}` : Buffer.from(value, 'utf8').toString('base64'));

/** stdin for the probe: line i answers requests[i]. */
export function encodeRequests(requests: readonly ProbeRequest[]): string {
  return requests.map((r, i) => [String(i), r.kind, ...args(r).map(field)].join('\t') + '\n').join('');
}

/** The inverse of encodeRequests (for fakes and tests). */
export function decodeRequests(stdin: string): ProbeRequest[] {
  return stdin.split('\n').filter(Boolean).map((line) => {
    const [, kind, ...raw] = line.split('\t');
    const [a, b] = raw.map((f) => decodeField(f).toString('utf8'));
    switch (kind) {
      case 'file': return { kind, path: a, content: b === '1', ...(b === 'c' ? { cachedHash: true } : {}) };
      case 'dir': case 'marker': return { kind, path: a };
      case 'user': case 'package': case 'unit': return { kind, name: a };
      case 'release': return { kind, root: a };
      case 'command': return { kind, command: a, ...(b ? { user: b } : {}) };
      default: throw new Error(`unknown probe request kind ${kind}`);
    }
  });
}

/** One answer line as the probe prints it. */
export function encodeAnswer(index: number, status: RawStatus, fields: ReadonlyArray<string | Buffer> = []): string {
  return [String(index), status, ...fields.map((f) => Buffer.from(f).toString('base64'))].join('\t');
}

/** The argv that runs the probe; requests go on stdin. */
export function probeCommand(): string[] {
  return ['sh', '-c', PROBE_SCRIPT, 'omnitron-probe'];
}

/** A field is base64, or `=` and the value itself, or `~` and the value with `\\`, tab and newline escaped (base64 never starts with `=` or `~`). */
function decodeField(field: string): Buffer {
  if (field.startsWith('=')) return Buffer.from(field.slice(1), 'utf8');
  if (field.startsWith('~')) return Buffer.from(unescapeField(field.slice(1)), 'utf8');
  return Buffer.from(field, 'base64');
}

const ESCAPED: Readonly<Record<string, string>> = { t: '\t', n: '\n' };
const unescapeField = (text: string) => text.replace(/\\(.)/g, (_, c: string) => ESCAPED[c] ?? c);

const STATUSES = new Set<string>(['ok', 'missing', 'conflict', 'error']);

/** Answers by request index; throws when the output is not the probe's (a broken shell, a truncated stream). */
export function parseProbeOutput(stdout: string, count: number): RawAnswer[] {
  const answers: Array<RawAnswer | undefined> = new Array(count).fill(undefined);
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [id, status, ...fields] = line.split('\t');
    const index = Number(id);
    if (!/^\d+$/.test(id) || index >= count || !STATUSES.has(status)) throw new Error(`unexpected probe output line ${JSON.stringify(line.slice(0, 80))}`);
    answers[index] = { status: status as RawStatus, fields: fields.map(decodeField) };
  }
  const missing = answers.findIndex((a) => a === undefined);
  if (missing >= 0) throw new Error(`the probe gave no answer for request ${missing} of ${count}`);
  return answers as RawAnswer[];
}

export { PROBE_SCRIPT };
