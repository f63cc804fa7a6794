/**
 * What a node's agent needs to announce itself in discovery: the stack's Redis (at the shared
 * discovery DB index), a node id unique across stacks that share that Redis, and the address peers
 * reach the node at (`host:port`, the port being the node's daemon port, 9700 unless set).
 */
import type { NodeSpec } from '../config/model.js';
import { discoveryRedis, type WiringInput } from './app-wiring.js';
import { DISCOVERY_URL_ENV } from './node-apps.js';
import { reachableAddress } from '../config/placement.js';

export const DEFAULT_DAEMON_PORT = 9700;

export function discoveryTarget(wiring: WiringInput, node: NodeSpec, host = reachableAddress(node)) {
  const redis = discoveryRedis(wiring);
  if (!redis) return undefined;
  const { project, stack } = wiring.model;
  return {
    ...redis,
    redisUrlEnv: DISCOVERY_URL_ENV,
    nodeId: `${project}.${stack.name}.${node.name}`,
    address: `${host.includes(':') ? `[${host}]` : host}:${node.port ?? DEFAULT_DAEMON_PORT}`,
  };
}
