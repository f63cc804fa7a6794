/**
 * What a node hash holds and how titan-discovery readers judge it: a node whose hash lacks `address`,
 * `services` or `timestamp`, or whose `services` is not JSON, is deleted by real readers.
 */
export interface ServiceInfo { name: string; version?: string }

export interface NodeInfo {
  nodeId: string;
  /** `host:port`. */
  address: string;
  services: ServiceInfo[];
  /** ms since the epoch of the node's last heartbeat (its own clock). */
  timestamp: number;
}

export type ParsedNode = { ok: true; node: NodeInfo } | { ok: false; reason: string };

/** `{name, version?}` in that key order, `version` omitted when absent: the bytes real clients write. */
export function normalizeServices(services: readonly ServiceInfo[]): ServiceInfo[] {
  return services.map((s) => (s.version === undefined ? { name: s.name } : { name: s.name, version: s.version }));
}

export function encodeServices(services: readonly ServiceInfo[]): string {
  return JSON.stringify(normalizeServices(services));
}

/** A node hash as HGETALL returns it (an empty object when the key is missing). */
export function parseNodeHash(nodeId: string, hash: Record<string, string>): ParsedNode {
  const missing = ['address', 'services', 'timestamp'].filter((f) => hash[f] === undefined);
  if (missing.length === 3) return { ok: false, reason: 'node hash missing' };
  if (missing.length > 0) return { ok: false, reason: `node hash lacks ${missing.join(', ')}` };
  let services: unknown;
  try {
    services = JSON.parse(hash.services!);
  } catch {
    return { ok: false, reason: 'services is not valid JSON' };
  }
  return { ok: true, node: { nodeId, address: hash.address!, services: readServices(services), timestamp: Number(hash.timestamp) } };
}

/** Valid JSON of another shape is kept as real readers keep it; only well-formed entries count as services. */
export function readServices(value: unknown): ServiceInfo[] {
  if (!Array.isArray(value)) return [];
  return value.filter((s): s is ServiceInfo => typeof s === 'object' && s !== null && typeof s.name === 'string'
    && (s.version === undefined || typeof s.version === 'string'));
}

/** Exact version match, as titan-discovery's findNodesByService; any version when none is asked for. */
export function hostsService(node: NodeInfo, name: string, version?: string): boolean {
  return node.services.some((s) => s.name === name && (version === undefined || s.version === version));
}

/** Adds or replaces `service` (same name and version). */
export function withService(services: readonly ServiceInfo[], service: ServiceInfo): ServiceInfo[] {
  return [...services.filter((s) => !(s.name === service.name && s.version === service.version)), service];
}

/** Drops every entry named `name`, or only its `version` when one is given. */
export function withoutService(services: readonly ServiceInfo[], name: string, version?: string): ServiceInfo[] {
  return services.filter((s) => !(s.name === name && (version === undefined || s.version === version)));
}
