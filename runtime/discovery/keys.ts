/** The Redis key layout titan-discovery readers expect, under a prefix (default `titan:discovery`). */
export interface DiscoveryKeys {
  /** `P:nodes:<nodeId>`: hash with `address`, `services` (JSON) and `timestamp`. */
  node(nodeId: string): string;
  /** `P:heartbeat:<nodeId>`: string whose existence means the node is alive. */
  heartbeat(nodeId: string): string;
  /** `P:index:nodes`: set of node ids. */
  readonly index: string;
}

export function discoveryKeys(prefix: string): DiscoveryKeys {
  return {
    node: (nodeId) => `${prefix}:nodes:${nodeId}`,
    heartbeat: (nodeId) => `${prefix}:heartbeat:${nodeId}`,
    index: `${prefix}:index:nodes`,
  };
}

/** The three keys one script touches for a node, in the order the scripts' KEYS expect. */
export function nodeScriptKeys(keys: DiscoveryKeys, nodeId: string): [string, string, string] {
  return [keys.node(nodeId), keys.heartbeat(nodeId), keys.index];
}

/**
 * The part of a key Redis Cluster hashes: the text between the first `{` and the next `}` when it is
 * non-empty, otherwise undefined (then the whole key is hashed).
 */
export function hashTag(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return undefined;
  return key.slice(open + 1, close);
}
