/**
 * What a node hash holds and how titan-discovery readers judge it. Two readings, as the real ones:
 * the active-node scan (getActiveNodes, findNodesByService) deletes a node whose hash lacks a
 * non-empty `address`, `services` or `timestamp`, or whose `services` is not JSON; the lookups
 * (getNodeInfo, findNodes, getAllNodes) only need an address, read `services` as `[]` when absent or
 * not JSON and a missing or empty `timestamp` as 0.
 */
export interface ServiceInfo {
  name: string;
  /** A string as written by titan-discovery; another writer's number is kept as it is (and matches no string). */
  version?: string | number;
  /** Fields other writers add (`weight`, …) are kept, read and written back unchanged. */
  [field: string]: unknown;
}

export interface NodeInfo {
  nodeId: string;
  /** `host:port`. */
  address: string;
  services: ServiceInfo[];
  /** ms since the epoch of the node's last heartbeat (its own clock); 0 when a lookup found none. */
  timestamp: number;
}

export type ParsedNode = { ok: true; node: NodeInfo } | { ok: false; reason: string };

const FIELDS = ['address', 'services', 'timestamp'] as const;

/** `{name, version?, …}`: name and version first, as real clients write them, then any other field. */
export function normalizeServices(services: readonly ServiceInfo[]): ServiceInfo[] {
  return services.map(({ name, version, ...rest }) => (version === undefined ? { name, ...rest } : { name, version, ...rest }));
}

export function encodeServices(services: readonly ServiceInfo[]): string {
  return JSON.stringify(normalizeServices(services));
}

/** The active-node scan's judgement of a hash as HGETALL returns it (an empty object when the key is missing). */
export function parseNodeHash(nodeId: string, hash: Record<string, string>): ParsedNode {
  const missing = FIELDS.filter((f) => hash[f] === undefined);
  if (missing.length === 3) return { ok: false, reason: 'node hash missing' };
  if (missing.length > 0) return { ok: false, reason: `node hash lacks ${missing.join(', ')}` };
  const empty = FIELDS.filter((f) => hash[f] === '');
  if (empty.length > 0) return { ok: false, reason: `node hash has an empty ${empty.join(', ')}` };
  let services: unknown;
  try {
    services = JSON.parse(hash.services!);
  } catch {
    return { ok: false, reason: 'services is not valid JSON' };
  }
  return { ok: true, node: { nodeId, address: hash.address!, services: readServices(services), timestamp: Number(hash.timestamp) } };
}

/** The lookups' reading: null without an address; never a reason to delete anything. */
export function readNodeHash(nodeId: string, hash: Record<string, string>): NodeInfo | null {
  if (!hash.address) return null;
  return { nodeId, address: hash.address, services: readServicesText(hash.services), timestamp: readTimestamp(hash.timestamp) };
}

function readServicesText(text: string | undefined): ServiceInfo[] {
  try {
    return readServices(JSON.parse(text || '[]'));
  } catch {
    return [];
  }
}

/** Leading decimal digits, as parseInt reads them; 0 for a missing or empty field, NaN for text that is no number. */
function readTimestamp(text: string | undefined): number {
  return Number.parseInt(text || '0', 10);
}

/** Valid JSON of another shape hosts nothing; entries are kept whole (extra fields, numeric versions) when they have a name. */
export function readServices(value: unknown): ServiceInfo[] {
  if (!Array.isArray(value)) return [];
  return value.filter((s): s is ServiceInfo => typeof s === 'object' && s !== null && !Array.isArray(s) && typeof s.name === 'string');
}

/** Exact version match, as titan-discovery's findNodesByService; any version when none (or '') is asked for. */
export function hostsService(node: NodeInfo, name: string, version?: string): boolean {
  return node.services.some((s) => s.name === name && (!version || s.version === version));
}

/** Adds or replaces `service` (same name and version). */
export function withService(services: readonly ServiceInfo[], service: ServiceInfo): ServiceInfo[] {
  return [...services.filter((s) => !(s.name === service.name && s.version === service.version)), service];
}

/** Drops every entry named `name`, or only its `version` when one is given. */
export function withoutService(services: readonly ServiceInfo[], name: string, version?: string): ServiceInfo[] {
  return services.filter((s) => !(s.name === name && (version === undefined || s.version === version)));
}
