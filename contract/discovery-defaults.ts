/**
 * titan-discovery's wire defaults: the key prefix, channel and timing every registering node and every
 * reader must agree on. The planner writes them into agent manifests; runtime/discovery starts from them.
 */
export const DISCOVERY_WIRE_DEFAULTS = {
  /** ms between heartbeats. */
  heartbeatInterval: 5_000,
  /** ms a heartbeat keeps the node alive. */
  heartbeatTTL: 15_000,
  pubSubChannel: 'titan:discovery:events',
  redisPrefix: 'titan:discovery',
} as const;
