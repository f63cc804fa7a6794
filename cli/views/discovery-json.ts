/** `omnitron discovery ls --json`: one document, snake_case fields, ISO heartbeat times and their ages. */
import type { NodeInfo } from '../../runtime/discovery/index.js';
import type { NodesView } from './discovery-text.js';

export function renderNodesJson(nodes: readonly NodeInfo[], view: NodesView): string {
  return JSON.stringify({
    format_version: '1.0',
    stack: view.stack,
    redis_db: view.index,
    service: view.filter ?? null,
    nodes: nodes.map((n) => ({
      node_id: n.nodeId,
      address: n.address,
      services: n.services.map((s) => (s.version === undefined ? { name: s.name } : { name: s.name, version: s.version })),
      last_heartbeat: Number.isFinite(n.timestamp) ? new Date(n.timestamp).toISOString() : null,
      last_heartbeat_age_ms: Number.isFinite(n.timestamp) ? Math.max(0, view.now - n.timestamp) : null,
    })),
  }, null, 2);
}
