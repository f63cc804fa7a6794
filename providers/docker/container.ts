/**
 * `docker_container`: one container per service. Apply executes what plan decided: create (ownership
 * labels, ports, mounts, network, health check, restart policy, resource limits), start, and wait for
 * health; replace removes the old container first; update starts it again; delete keeps volumes.
 */
import type Docker from 'dockerode';
import type { Json } from '../../planner/expr.js';
import { plannedSteps, ProviderError, type Applied, type ApplyOp, type Observed, type ProviderContext, type ResourceType } from '../../planner/resource.js';
import { reachDocker } from './client.js';
import { asJson, toContainerAttributes, type ContainerAttributes, type ImageDefaults, type InspectedContainer, type MappingHints } from './container-attributes.js';
import { DEFAULT_STARTUP_TIMEOUT_S, waitUntilReady } from './container-health.js';
import { redactor } from './container-logs.js';
import { planContainer, planContainerSteps, type ContainerSteps } from './container-plan.js';
import { createOptions, InvalidSize } from './container-spec.js';
import { dockerMessage, dockerStatus, tolerate } from './errors.js';
import { addressOf, FORBIDDEN_LABEL, hashOf, ownershipLabels } from './labels.js';

export const CONTAINER_TYPE = 'docker_container';
const STOP_GRACE_S = 10;

export function observeContainer(info: InspectedContainer, image: ImageDefaults | undefined, hints?: MappingHints): Observed {
  const observed: Observed = {
    address: addressOf(info.Config.Labels) ?? '',
    type: CONTAINER_TYPE,
    id: info.Id,
    attributes: asJson(toContainerAttributes(info, image, hints)),
    hash: hashOf(info.Config.Labels),
    status: statusOf(info),
  };
  const notes = notesOf(info);
  if (notes.length > 0) observed.notes = notes;
  return observed;
}

/** Docker's state, refined by health: a running container whose check fails is `unhealthy`, one still checking `starting`. */
export function statusOf(info: InspectedContainer): string {
  const health = info.State.Health?.Status;
  if (info.State.Status === 'running' && (health === 'unhealthy' || health === 'starting')) return health;
  return info.State.Status;
}

function notesOf(info: InspectedContainer): string[] {
  const notes: string[] = [];
  if (info.RestartCount) notes.push(`restarted ${info.RestartCount} times`);
  if (info.State.Status === 'exited') notes.push(`exit code ${info.State.ExitCode ?? '?'}`);
  return notes;
}

export const dockerContainer = {
  type: CONTAINER_TYPE,
  claimsObjects: true,
  plan: planContainer,
  planSteps: planContainerSteps,
  recordOutputs: (observed) => containerOutputs(observed.id ?? '', observed.attributes as unknown as ContainerAttributes),
  apply: (ctx, op) => reachDocker(op.address, () => applyContainer(ctx, op)),
} satisfies ResourceType<ContainerSteps>;

async function applyContainer(ctx: ProviderContext, op: ApplyOp<ContainerSteps>): Promise<Applied | undefined> {
  const docker = ctx.clients.docker();
  const steps = plannedSteps(op);
  if (steps.existing === 'remove') await removeContainer(ctx, docker, op, steps.id);
  if (op.action === 'delete') return undefined;
  const attrs = op.attributes as unknown as ContainerAttributes;
  if (steps.existing === 'restart') return restartContainer(ctx, docker, op, steps.id, attrs);
  const container = await createContainer(ctx, docker, op, attrs);
  await startContainer(ctx, container, op, attrs);
  return applied(container.id, op, attrs);
}

async function createContainer(ctx: ProviderContext, docker: Docker, op: ApplyOp, attrs: ContainerAttributes): Promise<Docker.Container> {
  if (FORBIDDEN_LABEL in attrs.labels) {
    throw new ProviderError(op.address, `label ${FORBIDDEN_LABEL} is not allowed on container ${attrs.name}`,
      'a running Omnitron daemon stops and removes containers carrying it; remove it from docker.labels');
  }
  ctx.emit({ kind: 'progress', address: op.address, message: `creating container ${attrs.name}` });
  try {
    return await docker.createContainer(createOptions(attrs, ownershipLabels(ctx.scope, op.address, op.hash ?? '')));
  } catch (err) {
    if (err instanceof InvalidSize) throw new ProviderError(op.address, err.message);
    if (dockerStatus(err) === 409) {
      throw new ProviderError(op.address, `a container named ${attrs.name} already exists and is not managed by this stack`,
        `remove or rename it (docker rm -f ${attrs.name}), or change the container name`);
    }
    throw engineRefused(op.address, `cannot create container ${attrs.name}`, err, attrs);
  }
}

async function startContainer(ctx: ProviderContext, container: Docker.Container, op: ApplyOp, attrs: ContainerAttributes, restart = false): Promise<void> {
  ctx.emit({ kind: 'progress', address: op.address, message: `${restart ? 'restarting' : 'starting'} container ${attrs.name}` });
  try {
    if (restart) await container.restart({ t: STOP_GRACE_S });
    else await container.start();
  } catch (err) {
    throw engineRefused(op.address, `cannot start container ${attrs.name}`, err, attrs);
  }
  await waitUntilReady(ctx, container, {
    address: op.address,
    name: attrs.name,
    env: attrs.env,
    timeout: op.startupTimeout ?? DEFAULT_STARTUP_TIMEOUT_S,
    healthcheck: attrs.healthcheck !== undefined,
    restartsBefore: restart ? undefined : 0,
  });
}

/** Update means "matches config but is not running": restart covers exited, created and unhealthy alike. */
async function restartContainer(ctx: ProviderContext, docker: Docker, op: ApplyOp, id: string, attrs: ContainerAttributes): Promise<Applied> {
  const container = docker.getContainer(id);
  await startContainer(ctx, container, op, attrs, true);
  return applied(id, op, attrs);
}

async function removeContainer(ctx: ProviderContext, docker: Docker, op: ApplyOp, id: string): Promise<void> {
  ctx.emit({ kind: 'progress', address: op.address, message: `removing container ${id.slice(0, 12)}` });
  const container = docker.getContainer(id);
  await tolerate(container.stop({ t: STOP_GRACE_S }), 304, 404);
  // `v: true` removes only the anonymous volumes an image's VOLUME line created (a new container never reuses
  // them, so keeping them only leaks disk); named data volumes are separate resources and always survive.
  await tolerate(container.remove({ force: true, v: true }), 404);
}

function applied(id: string, op: ApplyOp, attrs: ContainerAttributes): Applied {
  return { id, attributes: op.attributes as Json, outputs: containerOutputs(id, attrs) };
}

/** `host` is where clients connect: the first port's bind address, loopback when bound to every interface. */
export function containerOutputs(id: string, attrs: Pick<ContainerAttributes, 'name' | 'ports'>): Record<string, Json> {
  const bind = attrs.ports[0]?.hostIp;
  const host = !bind || bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind;
  return { id, name: attrs.name, host, ports: Object.fromEntries(attrs.ports.map((p) => [p.name, p.host])) };
}

function engineRefused(address: string, what: string, err: unknown, attrs: ContainerAttributes): unknown {
  if (dockerStatus(err) === undefined) return err;
  return new ProviderError(address, `${what}: ${redactor(attrs.env)(dockerMessage(err))}`);
}
