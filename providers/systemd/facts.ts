/**
 * Typed facts from the probe's raw answers. An `error` answer (permission denied, a broken tool)
 * becomes a FactError: observe turns it into an unreadable address with that cause.
 */
import { createHash } from 'node:crypto';
import type { RawAnswer } from './probe.js';

export class FactError extends Error {}

type Absent = { state: 'missing' } | { state: 'conflict'; what: string };

export type FileFact = Absent | { state: 'present'; mode: string; owner: string; group: string; size: number; sha256: string; content?: string };
export type DirFact = Absent | { state: 'present'; mode: string; owner: string; group: string };
export type UserFact = { state: 'missing' } | { state: 'present'; name: string; uid: number; gid: number; home: string; shell: string };
export type PackageFact = { state: 'missing' } | { state: 'present'; installed: boolean; status: string; version: string };
export type MarkerFact = { state: 'missing' } | { state: 'present'; content: string };
export type ReleaseFact = Absent | { state: 'present'; current?: string; releases: string[] };
/** `user`: the account the command ran as (never root when the probe ran as root). */
export interface CommandFact { code: number; stdout: string; stderr: string; user?: string }

export interface UnitFact {
  loadState: string;
  activeState: string;
  subState: string;
  unitFileState: string;
  needDaemonReload: boolean;
  nRestarts: number;
  /** How the main process ended: 1 exited (status is its exit code), 2 killed / 3 dumped (status is the signal). */
  execMainCode: number;
  execMainStatus: number;
  fragmentPath: string;
  /** sha256 of the file systemd loads the unit from, as it is on disk now. */
  fragmentSha256?: string;
}

const text = (a: RawAnswer, i: number) => a.fields[i]?.toString('utf8') ?? '';

function settle(a: RawAnswer): Absent | undefined {
  if (a.status === 'error') throw new FactError(text(a, 0).trim() || 'the probe reported an error');
  if (a.status === 'missing') return { state: 'missing' };
  if (a.status === 'conflict') return { state: 'conflict', what: text(a, 0).trim() };
  return undefined;
}

/** `644` → `0644`, as configs write modes. */
export function normalizeMode(mode: string): string {
  return mode.padStart(4, '0');
}

function utf8(bytes: Buffer | undefined): string | undefined {
  if (bytes === undefined) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export function fileFact(a: RawAnswer): FileFact {
  const absent = settle(a);
  if (absent) return absent;
  const bytes = a.fields[5];
  const content = utf8(bytes);
  // A file sent whole comes without a hash: it is hashed here, from the bytes sent.
  const sha256 = text(a, 4) || (bytes ? createHash('sha256').update(bytes).digest('hex') : '');
  return {
    state: 'present', mode: normalizeMode(text(a, 0)), owner: text(a, 1), group: text(a, 2), size: Number(text(a, 3)), sha256,
    ...(content !== undefined ? { content } : {}),
  };
}

export function dirFact(a: RawAnswer): DirFact {
  return settle(a) ?? { state: 'present', mode: normalizeMode(text(a, 0)), owner: text(a, 1), group: text(a, 2) };
}

export function userFact(a: RawAnswer): UserFact {
  const absent = settle(a);
  if (absent) return { state: 'missing' };
  const [name, , uid, gid, , home, shell] = text(a, 0).trim().split(':');
  return { state: 'present', name, uid: Number(uid), gid: Number(gid), home: home ?? '', shell: shell ?? '' };
}

export function packageFact(a: RawAnswer): PackageFact {
  const absent = settle(a);
  if (absent) return { state: 'missing' };
  const [status, version = ''] = text(a, 0).split('\t');
  // db:Status-Abbrev: desired, current, error; current `i` is installed (`hi` too: held).
  return { state: 'present', installed: status[1] === 'i', status: status.trim(), version: version.trim() };
}

export function unitFact(a: RawAnswer): UnitFact {
  settle(a);
  const props = new Map<string, string>();
  for (const line of text(a, 0).split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const sha = text(a, 1);
  return {
    loadState: props.get('LoadState') ?? '', activeState: props.get('ActiveState') ?? '', subState: props.get('SubState') ?? '',
    unitFileState: props.get('UnitFileState') ?? '', needDaemonReload: props.get('NeedDaemonReload') === 'yes',
    nRestarts: Number(props.get('NRestarts') ?? 0) || 0, execMainCode: Number(props.get('ExecMainCode') ?? 0) || 0, execMainStatus: Number(props.get('ExecMainStatus') ?? 0) || 0,
    fragmentPath: props.get('FragmentPath') ?? '', ...(sha ? { fragmentSha256: sha } : {}),
  };
}

export function markerFact(a: RawAnswer): MarkerFact {
  return settle(a) ? { state: 'missing' } : { state: 'present', content: text(a, 0) };
}

export function releaseFact(a: RawAnswer): ReleaseFact {
  const absent = settle(a);
  if (absent) return absent;
  const current = text(a, 0);
  return { state: 'present', ...(current ? { current } : {}), releases: text(a, 1).split('\n').filter(Boolean).sort() };
}

export function commandFact(a: RawAnswer): CommandFact {
  settle(a);
  const user = text(a, 3);
  return { code: Number(text(a, 0)), stdout: text(a, 1), stderr: text(a, 2), ...(user ? { user } : {}) };
}
