/**
 * `docker_image`: makes sure an image is present locally. Plan is a no-op when it already is (locally
 * built images are never pulled); create pulls, bounded by a timeout so a missing registry never hangs apply.
 */
import type Docker from 'dockerode';
import type { Value } from '../../planner/expr.js';
import { ProviderError, type Applied, type ApplyOp, type Decision, type Observed, type PlanInput, type ProviderContext, type ResourceType } from '../../planner/resource.js';
import { reachDocker } from './client.js';
import { dockerMessage, ifExists } from './errors.js';

export interface ImageAttributes { name: string }

export const IMAGE_TYPE = 'docker_image';
export const DEFAULT_PULL_TIMEOUT_MS = 60_000;

export function observeImage(address: string, name: string, info: Docker.ImageInspectInfo): Observed {
  return { address, type: IMAGE_TYPE, id: info.Id, attributes: { name }, status: 'present' };
}

export function planImage(input: PlanInput): Decision {
  const { desired, prior, observed } = input;
  if (desired === undefined) {
    if (!prior && !observed) return { action: 'noop', reason: 'already gone' };
    return { action: 'delete', reason: 'no longer in config (the image itself is kept)' };
  }
  if (!observed) return { action: 'create', reason: 'image not present locally' };
  const name = (desired as { name?: Value }).name;
  const stale = !prior || (prior.attributes as { name?: string }).name !== name || prior.id !== observed.id;
  return stale ? { action: 'noop', reason: 'image present locally', record: true } : { action: 'noop', reason: 'image present locally' };
}

export function createImageType(options: { pullTimeoutMs?: number } = {}) {
  const timeoutMs = options.pullTimeoutMs ?? DEFAULT_PULL_TIMEOUT_MS;
  return {
    type: IMAGE_TYPE,
    plan: planImage,
    recordOutputs: (observed) => ({ id: observed.id ?? null, name: (observed.attributes as { name: string }).name }),
    apply: (ctx, op) => reachDocker(op.address, () => applyImage(ctx, op, timeoutMs)),
  } satisfies ResourceType;
}

export const dockerImage = createImageType();

async function applyImage(ctx: ProviderContext, op: ApplyOp, timeoutMs: number): Promise<Applied | undefined> {
  // Images are shared by every stack and project on the engine (and by containers we do not own), and
  // they carry no ownership label, so removing one could break someone else: delete only forgets it.
  if (op.action === 'delete') return undefined;
  const { name } = op.attributes as unknown as ImageAttributes;
  const docker = ctx.clients.docker();
  ctx.emit({ kind: 'progress', address: op.address, message: `pulling image ${name}` });
  const failure = await pullImage(docker, name, ctx.signal, timeoutMs).then(() => undefined, (err: unknown) => err);
  const info = await ifExists(docker.getImage(name).inspect());
  if (!info) throw imageUnavailable(ctx, op.address, name, failure, timeoutMs);
  if (failure) ctx.emit({ kind: 'warning', address: op.address, message: `could not pull ${name}; using the local copy` });
  return { id: info.Id, attributes: { name }, outputs: { id: info.Id, name } };
}

function imageUnavailable(ctx: ProviderContext, address: string, name: string, failure: unknown, timeoutMs: number): ProviderError {
  const cause = failure instanceof PullTimeout ? `the pull did not finish within ${Math.round(timeoutMs / 1000)}s` : dockerMessage(failure);
  return new ProviderError(
    address,
    `image ${name} is not present locally and could not be pulled: ${cause}`,
    `set stacks.${ctx.scope.stack}.serviceOverrides.${serviceOf(address)}.docker.image to an image this engine has or can pull, or build it locally (docker build -t ${name} …)`,
  );
}

/** `docker_image.<service>` is how the planner addresses a service's image. */
function serviceOf(address: string): string {
  const prefix = `${IMAGE_TYPE}.`;
  return address.startsWith(prefix) ? address.slice(prefix.length) : '<service>';
}

class PullTimeout extends Error {}

/** Pulls and waits for the progress stream to finish; errors reported inside the stream reject too. */
export async function pullImage(docker: Docker, name: string, signal: AbortSignal, timeoutMs: number): Promise<void> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const abort = AbortSignal.any([signal, timeout]);
  try {
    const stream = (await docker.pull(name, { abortSignal: abort })) as NodeJS.ReadableStream;
    await followPull(stream, abort);
  } catch (err) {
    if (timeout.aborted) throw new PullTimeout(`pull of ${name} timed out`);
    throw err;
  }
}

function followPull(stream: NodeJS.ReadableStream, abort: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let failed: Error | undefined;
    const onAbort = () => { (stream as unknown as { destroy?: () => void }).destroy?.(); reject(abort.reason); };
    abort.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) failed ??= pullLineError(line);
    });
    stream.on('error', (err: Error) => { abort.removeEventListener('abort', onAbort); reject(err); });
    stream.on('end', () => {
      abort.removeEventListener('abort', onAbort);
      failed ??= pullLineError(buffered);
      if (failed) reject(failed);
      else resolve();
    });
  });
}

function pullLineError(line: string): Error | undefined {
  if (!line.trim()) return undefined;
  try {
    const event = JSON.parse(line) as { error?: string };
    return event.error ? new Error(event.error) : undefined;
  } catch {
    return undefined;
  }
}
