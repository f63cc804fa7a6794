/** `docker_network`: a user-defined bridge network. Networks cannot change in place, so any diff replaces. */
import type Docker from 'dockerode';
import type { Json } from '../../planner/expr.js';
import { defaultDecision } from '../../planner/diff.js';
import { ProviderError, type Applied, type ApplyOp, type Observed, type ProviderContext, type ResourceType } from '../../planner/resource.js';
import { reachDocker } from './client.js';
import { dockerMessage, dockerStatus, tolerate } from './errors.js';
import { addressOf, hashOf, objectLabels, ownershipLabels } from './labels.js';

export interface NetworkAttributes { name: string; driver: 'bridge' }

export const NETWORK_TYPE = 'docker_network';

export function observeNetwork(info: Docker.NetworkInspectInfo, address = addressOf(info.Labels) ?? ''): Observed {
  const observed: Observed = {
    address,
    type: NETWORK_TYPE,
    id: info.Id,
    attributes: { name: info.Name, driver: info.Driver },
    hash: hashOf(info.Labels),
  };
  if (!addressOf(info.Labels)) observed.notes = ['found by name, not created by omnitron'];
  return observed;
}

export const dockerNetwork = {
  type: NETWORK_TYPE,
  claimsObjects: true,
  plan: (input) => defaultDecision(input, { replaceOn: ['*'] }),
  recordOutputs: (observed) => ({ id: observed.id ?? null, name: (observed.attributes as { name: string }).name }),
  apply: (ctx, op) => reachDocker(op.address, () => applyNetwork(ctx, op)),
} satisfies ResourceType;

async function applyNetwork(ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  const docker = ctx.clients.docker();
  if (op.action !== 'create') await removeNetwork(docker, op);
  if (op.action === 'delete') return undefined;
  const attrs = op.attributes as unknown as NetworkAttributes;
  ctx.emit({ kind: 'progress', address: op.address, message: `creating network ${attrs.name}` });
  const labels = objectLabels(ownershipLabels(ctx.scope, op.address, op.hash ?? ''));
  try {
    const network = await docker.createNetwork({ Name: attrs.name, Driver: attrs.driver, CheckDuplicate: true, Labels: labels });
    return { id: network.id, attributes: op.attributes as Json, outputs: { id: network.id, name: attrs.name } };
  } catch (err) {
    if (dockerStatus(err) === undefined) throw err;
    throw new ProviderError(op.address, `cannot create network ${attrs.name}: ${dockerMessage(err)}`);
  }
}

async function removeNetwork(docker: Docker, op: ApplyOp): Promise<void> {
  const ref = op.observed?.id ?? op.prior?.id ?? (op.prior?.attributes as { name?: string } | undefined)?.name;
  if (!ref) return;
  try {
    await tolerate(docker.getNetwork(ref).remove(), 404);
  } catch (err) {
    if (dockerStatus(err) === undefined) throw err;
    throw new ProviderError(op.address, `cannot remove network ${ref}: ${dockerMessage(err)}`,
      'containers still attached to it must be removed or disconnected first');
  }
}
