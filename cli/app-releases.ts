/**
 * An app's releases on the nodes that run it, for `omnitron releases` and `omnitron rollback`: which
 * nodes (from the app_release records state holds), what each keeps under `<root>/releases`, which
 * one `current` points at, and the history of switches.
 */
import path from 'node:path';
import { error, UserError } from '../planner/diagnostics.js';
import type { StateRecord } from '../planner/resource.js';
import type { Transport } from '../planner/transport.js';
import { parseHistory, type HistoryEntry } from '../contract/agent/release-history.js';
import { listReleases } from '../providers/systemd/commands.js';
import { APP_RELEASE_TYPE } from '../providers/systemd/app-release.js';
import { quotedList, suggestion } from '../planner/config/did-you-mean.js';

export interface AppRelease { address: string; node: string; root: string }

export type ReleaseStatus = 'current' | 'previous' | 'failed' | 'kept';
export interface KeptRelease { release: string; since: number; status: ReleaseStatus }
export interface NodeReleases { node: string; current?: string; releases: KeptRelease[] }

/** The app's release on each node, in the stack's node order. */
export function appReleases(records: readonly StateRecord[], app: string, nodeOrder: readonly string[], stack: string): AppRelease[] {
  const all = records.filter((r) => r.type === APP_RELEASE_TYPE).map((r) => ({ address: r.address, ...(r.attributes as { node: string; root: string; app: string }) }));
  const mine = all.filter((r) => r.app === app).sort((a, b) => nodeOrder.indexOf(a.node) - nodeOrder.indexOf(b.node));
  if (mine.length > 0) return mine.map(({ address, node, root }) => ({ address, node, root }));
  const known = [...new Set(all.map((r) => r.app))].sort();
  throw new UserError(error(`app "${app}" has no releases on the nodes of stack "${stack}"${suggestion(app, known)}`, {
    detail: known.length > 0 ? `Apps with releases: ${quotedList(known)}.` : 'No app has been deployed to a node yet: run `omnitron apply` first.',
  }));
}

export async function readNodeReleases(t: Transport, node: string, root: string): Promise<NodeReleases> {
  const lines = (await t.execOrThrow(listReleases(root))).stdout.split('\n');
  const field = (prefix: string) => lines.filter((l) => l.startsWith(`${prefix} `)).map((l) => l.slice(prefix.length + 1));
  const link = field('current')[0]?.trim();
  const current = link ? path.posix.basename(link) : undefined;
  const history = parseHistory(field('history').join('\n'));
  const dirs = field('release').map((l) => l.split(' ')).map(([release, mtime]) => ({ release: release!, mtime: Number(mtime) * 1000 }));
  const previous = previousRelease(history, current, dirs.map((d) => d.release));
  const releases = dirs.map(({ release, mtime }) => ({ release, since: lastSwitch(history, release) ?? mtime, status: statusOf(release, current, previous, history) }))
    .sort((a, b) => b.since - a.since);
  return { node, ...(current ? { current } : {}), releases };
}

/** The release a plain rollback goes back to: the one most recently current before, that did not fail. */
export function previousRelease(history: readonly HistoryEntry[], current: string | undefined, kept: readonly string[]): string | undefined {
  const failed = new Set(history.filter((h) => h.event === 'failed').map((h) => h.release));
  for (const h of [...history].reverse()) {
    if (h.event !== 'failed' && h.release !== current && !failed.has(h.release) && kept.includes(h.release)) return h.release;
  }
  return undefined;
}

function lastSwitch(history: readonly HistoryEntry[], release: string): number | undefined {
  return [...history].reverse().find((h) => h.release === release && h.event !== 'failed')?.at;
}

function statusOf(release: string, current: string | undefined, previous: string | undefined, history: readonly HistoryEntry[]): ReleaseStatus {
  if (release === current) return 'current';
  if (history.some((h) => h.release === release && h.event === 'failed')) return 'failed';
  return release === previous ? 'previous' : 'kept';
}

/** A release named on the command line: its digest, or a prefix of it (at least 7 characters) matching one kept release. */
export function matchRelease(wanted: string, kept: readonly string[]): string | undefined {
  if (wanted.length < 7) return undefined;
  const matches = kept.filter((r) => r.startsWith(wanted.toLowerCase()));
  return matches.length === 1 ? matches[0] : undefined;
}
