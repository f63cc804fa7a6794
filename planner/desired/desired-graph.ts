/**
 * config → desired graph. Turns one resolved stack into the resources that should exist, each with
 * a stable address. Prior state is consulted only for allocations that must never move (Redis DB
 * indexes). Dependencies are explicit here; refs add more in `dependenciesOf`.
 */
import { refsOf } from '../expr.js';
import type { StackModel } from '../config/model.js';
import type { DesiredResource, StackScope, StateRecord } from '../resource.js';
import { addr, objectPrefix } from './addresses.js';
import { envFileResource, postgresResources, redisResources, type WiringInput } from './app-wiring.js';
import { dockerServiceResources } from './docker-service.js';
import { allocateRedisDbs } from './redis-allocation.js';
import { buildRemoteGraph } from './remote-stack.js';
import { secretResources } from './secret-resources.js';
import { s3BucketResources, storageService } from './s3-wiring.js';
import type { NodeArtifacts } from './node-apps.js';
import { localAgentResources, type LocalAgentArtifacts } from './local-agent.js';

export const LOCAL_HOST = '127.0.0.1';

/** Read before planning: what nodes are sent (remote stacks), or what the local agent runs from (local stacks with apps). */
export type StackArtifacts = NodeArtifacts | LocalAgentArtifacts;

const forNodes = (a: StackArtifacts | undefined): a is NodeArtifacts => a !== undefined && 'releases' in a;

export function buildDesiredGraph(model: StackModel, prior: ReadonlyMap<string, StateRecord>, scope: StackScope, artifacts?: StackArtifacts): DesiredResource[] {
  if (model.stack.type !== 'local') {
    if (!forNodes(artifacts)) throw new Error('internal: a remote stack needs its node artifacts prepared before planning');
    return buildRemoteGraph(model, prior, scope, artifacts);
  }
  const agent = model.apps.length > 0 ? localArtifacts(artifacts) : undefined;
  const slots = allocateRedisDbs(model.apps, prior, model.stack.settings.redisDbOffset ?? 0);
  const redisMaxIndex = Math.max(-1, ...slots.map((s) => s.index));
  const wiring: WiringInput = {
    model, redisSlots: slots, stackDir: scope.stackDir,
    hostFor: () => LOCAL_HOST, adminEndpoint: () => ({ host: LOCAL_HOST }),
  };
  const resources: DesiredResource[] = [
    ...secretResources(model),
    ...networkResources(model),
    ...model.services.flatMap((service) => dockerServiceResources({ model, service, redisMaxIndex, stackDir: scope.stackDir })),
    ...postgresResources(wiring),
    ...redisResources(wiring),
    ...s3BucketResources(model, { host: LOCAL_HOST }, storageReady(model)),
    ...model.apps.map((app) => envFileResource(wiring, app)),
    ...(agent ? localAgentResources(wiring, agent) : []),
  ];
  return dedupe(resources);
}

function storageReady(model: StackModel): string[] {
  const svc = storageService(model);
  return svc?.docker ? [addr.container(svc.name)] : [];
}

function localArtifacts(artifacts: StackArtifacts | undefined): LocalAgentArtifacts {
  if (!artifacts || forNodes(artifacts)) throw new Error('internal: a local stack with apps needs its agent bundle prepared before planning');
  return artifacts;
}

function networkResources(model: StackModel): DesiredResource[] {
  if (!model.services.some((s) => s.docker)) return [];
  const name = `${objectPrefix(model.project, model.stack.name)}_default`;
  return [{ address: addr.network(), type: 'docker_network', attributes: { name, driver: 'bridge' }, dependsOn: [], sensitive: [] }];
}

/** Two apps may declare the same service; the first declaration wins (the config loader warned). */
function dedupe(resources: DesiredResource[]): DesiredResource[] {
  const seen = new Map<string, DesiredResource>();
  for (const r of resources) if (!seen.has(r.address)) seen.set(r.address, r);
  return [...seen.values()];
}

/** Everything a resource waits for: explicit dependsOn plus every resource its expressions refer to. */
export function dependenciesOf(r: DesiredResource): string[] {
  const deps = new Set(r.dependsOn);
  refsOf(r.attributes, deps);
  if (r.connection !== undefined) refsOf(r.connection, deps);
  deps.delete(r.address);
  return [...deps];
}
