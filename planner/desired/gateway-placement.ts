/**
 * What a gateway on a node needs to know about the rest of a node stack: where each routed app runs
 * as seen from the gateway's node (its loopback for apps beside it, the other nodes' addresses
 * otherwise: one `server` per node and per instance), where the stack's Redis is, and what it starts
 * after (the agents running those apps, and Redis).
 */
import type { NodeSpec, ResolvedService, StackModel } from '../config/model.js';
import { reachableAddress, type Placement } from '../config/placement.js';
import type { ServiceOnNode } from './baremetal-services.js';
import { stackRedis } from './gateway-docker.js';
import type { GatewayOnNodeInput } from './gateway-on-node.js';
import { gatewayUpstreams } from './gateway-upstreams.js';
import { agentServiceAddress } from './node-apps.js';

const LOOPBACK = '127.0.0.1';

export function gatewayOnNodeInput(model: StackModel, service: ResolvedService, node: NodeSpec, placement: Placement, built: ReadonlyMap<string, ServiceOnNode>): GatewayOnNodeInput {
  const seenFrom = (other: NodeSpec) => (other.name === node.name ? LOOPBACK : reachableAddress(other));
  const nodesOf = (app: string) => placement.apps.get(app) ?? [];
  const upstreams = gatewayUpstreams(model.apps, (app) => nodesOf(app.name).map(seenFrom));
  const appNodes = [...new Set(upstreams.flatMap((u) => nodesOf(u.app).map((n) => n.name)))].sort();
  const redis = stackRedis(model);
  const redisNode = redis && placement.services.get(redis.name);
  const redisReady = redis ? built.get(redis.name)?.ready : undefined;
  return {
    model, service, node, upstreams,
    redisHost: redisNode ? seenFrom(redisNode) : LOOPBACK,
    after: [...appNodes.map(agentServiceAddress), ...(redisReady ? [redisReady] : [])],
  };
}
