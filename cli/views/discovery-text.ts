/** `omnitron discovery ls` for people: one aligned row per live node, or one line saying there is none. */
import { formatService } from '../../runtime/agent/discovery-services.js';
import type { NodeInfo, ServiceInfo } from '../../runtime/discovery/index.js';
import { duration } from './status-text.js';

export interface NodesView {
  stack: string;
  /** The registry's Redis DB. */
  index: number;
  /** The `--service` asked for, if any. */
  filter?: ServiceInfo;
  /** Epoch ms the heartbeat ages are measured against. */
  now: number;
}

/** `4s ago`, `3m 12s ago`, `2h 5m ago`; a node clock ahead of ours reads as `0s ago`. */
export function formatAge(ms: number): string {
  return Number.isFinite(ms) ? `${duration(ms)} ago` : 'unknown';
}

export function renderNodesText(nodes: readonly NodeInfo[], view: NodesView): string {
  if (nodes.length === 0) {
    const what = view.filter ? `hosting ${formatService(view.filter)} ` : '';
    return `No live nodes ${what}in the discovery registry of stack "${view.stack}".`;
  }
  const header = ['NODE', 'ADDRESS', 'SERVICES', 'LAST HEARTBEAT'];
  const rows = nodes.map((n) => [n.nodeId, n.address, n.services.map(formatService).join(', ') || '-', formatAge(view.now - n.timestamp)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('   ');
  return [line(header), ...rows.map(line)].join('\n');
}
