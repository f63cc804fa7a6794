/**
 * `docker_volume`: a named local volume. Renaming replaces it (a new, empty volume); deleting removes the
 * data, which is why the plan shows it and container deletes never touch volumes.
 */
import type Docker from 'dockerode';
import type { Json } from '../../planner/expr.js';
import { defaultDecision } from '../../planner/diff.js';
import { ProviderError, type Applied, type ApplyOp, type Observed, type ProviderContext, type ResourceType } from '../../planner/resource.js';
import { reachDocker } from './client.js';
import { dockerMessage, dockerStatus, tolerate } from './errors.js';
import { addressOf, hashOf, LABEL, objectLabels, ownershipLabels, type Labels } from './labels.js';

export interface VolumeAttributes { name: string }

export const VOLUME_TYPE = 'docker_volume';

export function observeVolume(info: Docker.VolumeInspectInfo, address = addressOf(info.Labels) ?? ''): Observed {
  const observed: Observed = { address, type: VOLUME_TYPE, id: info.Name, attributes: { name: info.Name }, hash: hashOf(info.Labels) };
  if (!addressOf(info.Labels)) observed.notes = ['found by name, not created by omnitron'];
  return observed;
}

export const dockerVolume = {
  type: VOLUME_TYPE,
  claimsObjects: true,
  plan: (input) => defaultDecision(input, { replaceOn: ['name'] }),
  recordOutputs: (observed) => ({ name: (observed.attributes as { name: string }).name }),
  apply: (ctx, op) => reachDocker(op.address, () => applyVolume(ctx, op)),
} satisfies ResourceType;

async function applyVolume(ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  const docker = ctx.clients.docker();
  if (op.action !== 'create') await removeVolume(docker, op);
  if (op.action === 'delete') return undefined;
  const { name } = op.attributes as unknown as VolumeAttributes;
  ctx.emit({ kind: 'progress', address: op.address, message: `creating volume ${name}` });
  const labels = objectLabels(ownershipLabels(ctx.scope, op.address, op.hash ?? ''));
  try {
    await docker.createVolume({ Name: name, Labels: labels });
  } catch (err) {
    if (dockerStatus(err) === undefined) throw err;
    throw new ProviderError(op.address, `cannot create volume ${name}: ${dockerMessage(err)}`);
  }
  await assertOwned(docker, op.address, name, labels);
  return { id: name, attributes: op.attributes as Json, outputs: { name } };
}

/** Docker answers a create for an existing name with that volume, so check it is really the one we labelled. */
async function assertOwned(docker: Docker, address: string, name: string, labels: Labels): Promise<void> {
  const info = await docker.getVolume(name).inspect();
  const owner = info.Labels ?? {};
  if ([LABEL.project, LABEL.stack, LABEL.address].every((k) => owner[k] === labels[k])) return;
  const who = addressOf(owner) ? `${owner[LABEL.project]}/${owner[LABEL.stack]} (${addressOf(owner)})` : 'something outside omnitron';
  throw new ProviderError(address, `volume ${name} already exists and belongs to ${who}`, 'choose another volume name for this stack');
}

async function removeVolume(docker: Docker, op: ApplyOp): Promise<void> {
  const name = op.observed?.id ?? op.prior?.id ?? (op.prior?.attributes as { name?: string } | undefined)?.name;
  if (!name) return;
  try {
    await tolerate(docker.getVolume(name).remove(), 404);
  } catch (err) {
    if (dockerStatus(err) !== 409) throw err;
    throw new ProviderError(op.address, `cannot remove volume ${name}: ${dockerMessage(err)}`,
      'the containers using it must be removed first');
  }
}
