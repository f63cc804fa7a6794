/**
 * config → desired graph for remote and cluster stacks: services placed on nodes and installed from
 * Debian's packages (or their bareMetal block), apps deployed to their nodes as releases run by
 * systemd, and the same Postgres roles, databases and Redis DB indexes as a local stack, managed
 * through an SSH tunnel to the node that runs the server.
 */
import { UserError, hasErrors } from '../diagnostics.js';
import type { ResolvedService, StackModel } from '../config/model.js';
import type { DesiredResource, StackScope, StateRecord } from '../resource.js';
import { appEnvironment, postgresResources, redisResources, type WiringInput } from './app-wiring.js';
import { customOnNode, postgresOnNode, redisOnNode, type ServiceOnNode } from './baremetal-services.js';
import { torOnNode } from './tor-on-node.js';
import { gatewayOnNode } from './gateway-on-node.js';
import { gatewayOnNodeInput } from './gateway-placement.js';
import { minioOnNode } from './minio-on-node.js';
import { s3BucketResources, storageService } from './s3-wiring.js';
import { agentServiceAddress, appsOnNode, type NodeArtifacts } from './node-apps.js';
import { discoveryTarget } from './discovery-target.js';
import { orderRollouts } from './rollout-order.js';
import { place, reachableAddress } from '../config/placement.js';
import { allocateRedisDbs } from './redis-allocation.js';
import { AGENT_KEY_ADDRESS, AGENT_KEY_PURPOSE } from './agent-key.js';
import { secretResources } from './secret-resources.js';
import { mergeSharedResources } from './shared-node-resources.js';

export function buildRemoteGraph(model: StackModel, prior: ReadonlyMap<string, StateRecord>, scope: StackScope, artifacts: NodeArtifacts): DesiredResource[] {
  const placement = place(model);
  if (hasErrors(placement.diagnostics)) throw new UserError(placement.diagnostics);
  const slots = allocateRedisDbs(model.apps, prior, model.stack.settings.redisDbOffset ?? 0);
  const redisMax = Math.max(-1, ...slots.map((s) => s.index));
  const hostFor = (s: ResolvedService) => s.external?.host ?? reachableAddress(placement.services.get(s.name)!);
  const appClients = [...new Set([...placement.apps.values()].flat().map(reachableAddress))];
  const onNode = new Map<string, ServiceOnNode>();
  for (const svc of model.services) {
    const node = placement.services.get(svc.name);
    if (!node || svc.requirement.preset === 'openresty') continue;
    const built = svc.requirement.preset === 'postgres' ? postgresOnNode(model, svc, node, appClients)
      : svc.requirement.preset === 'redis' ? redisOnNode(svc, node, redisMax)
        : svc.requirement.preset === 'tor' ? torOnNode(svc, node)
          : svc.requirement.preset === 'minio' ? minioOnNode(svc, node, hostFor)
            : customOnNode(svc, node, hostFor);
    if (built) onNode.set(svc.name, built);
  }
  // Gateways last: they start after the stack's Redis and the apps they route to.
  for (const svc of model.services) {
    const node = placement.services.get(svc.name);
    if (node && svc.requirement.preset === 'openresty') onNode.set(svc.name, gatewayOnNode(gatewayOnNodeInput(model, svc, node, placement, onNode)));
  }
  const wiring: WiringInput = {
    model, redisSlots: slots, stackDir: scope.stackDir, hostFor,
    // omnitron manages servers through a tunnel to the node that runs them, so they need not listen publicly for it.
    adminEndpoint: (s) => (placement.services.has(s.name) ? { host: '127.0.0.1', via: placement.services.get(s.name)!.name } : { host: hostFor(s) }),
    serviceReady: (s) => (onNode.get(s.name)?.ready ? [onNode.get(s.name)!.ready] : []),
  };
  const nodesOf = (app: string) => placement.apps.get(app) ?? [];
  const nodeResources = model.stack.nodes.flatMap((node) => {
    const apps = model.apps.filter((app) => nodesOf(app.name).includes(node));
    // A dependency that also runs here is ordered by this node's agent; one that runs only elsewhere, by apply.
    const remoteDeps = apps.flatMap((app) => app.dependsOn).filter((dep) => !nodesOf(dep).includes(node));
    const after = [...new Set(remoteDeps.flatMap(nodesOf).map((other) => agentServiceAddress(other.name)))];
    const discovery = discoveryTarget(wiring, node);
    return appsOnNode({ model, node, artifacts, after, apps: apps.map((app) => ({ app, env: appEnvironment(wiring, app) })), ...(discovery ? { discovery } : {}) });
  });
  const agentKey: DesiredResource[] = nodeResources.length > 0
    ? [{ address: AGENT_KEY_ADDRESS, type: 'ed25519_key', attributes: { purpose: AGENT_KEY_PURPOSE }, dependsOn: [], sensitive: [] }] : [];
  const knownHosts: DesiredResource[] = model.stack.nodes.map((node) => ({
    address: `ssh_known_host.${node.name.replaceAll('.', '_')}`, type: 'ssh_known_host', dependsOn: [], sensitive: [],
    attributes: { node: node.name, host: node.host, port: node.ssh.port },
  }));
  return [
    ...knownHosts,
    ...secretResources(model),
    ...agentKey,
    ...mergeSharedResources([...onNode.values()].flatMap((s) => s.resources)),
    ...postgresResources(wiring),
    ...redisResources(wiring),
    ...storageResources(wiring),
    ...orderRollouts(nodeResources, { apps: model.apps.map((a) => a.name), nodesOf, deploy: model.stack.deploy }),
  ];
}

/** The stack's buckets, managed through the node that runs its S3 server (or at an external one). */
function storageResources(wiring: WiringInput): DesiredResource[] {
  const svc = storageService(wiring.model);
  return svc ? s3BucketResources(wiring.model, wiring.adminEndpoint(svc), wiring.serviceReady?.(svc) ?? []) : [];
}
