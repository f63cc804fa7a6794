/**
 * `omnitron releases APP`: the releases each node of the app keeps (the last five made current), newest
 * first, with when each was last made current and its status: current, previous (where a plain
 * `omnitron rollback` goes), failed (rolled back from), kept. Reads the nodes; no lock.
 */
import { appReleases, readNodeReleases, type NodeReleases } from '../app-releases.js';
import { createClients } from '../compose.js';
import type { Output } from '../output.js';
import { openSession, openStore, type StackOptions } from '../session.js';

export interface ReleasesFlags extends StackOptions {
  json?: boolean;
}

export async function releasesCommand(app: string, flags: ReleasesFlags, out: Output): Promise<number> {
  const session = await openSession(flags, out, { createKey: false });
  try {
    const store = await openStore(session);
    const { nodes } = session.stack.model.stack;
    const targets = appReleases(store.records(), app, nodes.map((n) => n.name), session.stack.scope.stack);
    const clients = createClients({ nodes, records: store.records(), trustNewHosts: false, signal: new AbortController().signal });
    try {
      const found = await Promise.all(targets.map(async (t) => readNodeReleases(await clients.transport(t.node), t.node, t.root)));
      out.print(flags.json ? JSON.stringify(releasesJson(app, found), null, 2) : renderReleases(app, found, Date.now()));
      return 0;
    } finally {
      await clients.close();
    }
  } finally {
    await session.backend.close();
  }
}

export function renderReleases(app: string, nodes: readonly NodeReleases[], now: number): string {
  return nodes.map((n) => [
    `${app} on ${n.node}:`,
    `  ${'RELEASE'.padEnd(14)}${'MADE CURRENT'.padEnd(16)}STATUS`,
    ...n.releases.map((r) => `  ${r.release.slice(0, 12).padEnd(14)}${`${ago(now - r.since)} ago`.padEnd(16)}${r.status}`),
  ].join('\n')).join('\n\n');
}

function releasesJson(app: string, nodes: readonly NodeReleases[]) {
  return { app, nodes: nodes.map((n) => ({ node: n.node, current: n.current ?? null, releases: n.releases.map((r) => ({ release: r.release, made_current: new Date(r.since).toISOString(), status: r.status })) })) };
}

/** `45 s`, `3 min`, `2 h`, `4 d`. */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7_200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3_600)} h`;
  return `${Math.round(s / 86_400)} d`;
}
