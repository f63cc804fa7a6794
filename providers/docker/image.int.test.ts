/**
 * Pulling never hangs and never leaves the operator guessing. Registries here are on 127.0.0.1 only: one
 * port that refuses connections, one that accepts and never answers.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, type ProviderContext } from '../../planner/resource.js';
import { createDockerClient } from './client.js';
import { createImageType, dockerImage } from './image.js';
import { dockerOnlyClients } from '../../test/support/provider-context.js';

const ctx: ProviderContext = {
  scope: { project: 'omnitron-it-image', stack: 'test', root: '/tmp', stackDir: '/tmp', lineage: 'test-lineage' },
  clients: dockerOnlyClients(createDockerClient),
  signal: new AbortController().signal,
  emit: () => {},
};

let silent: net.Server;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  silent = net.createServer((socket) => { sockets.add(socket); }).listen(0, '127.0.0.1');
  await new Promise((r) => silent.once('listening', r));
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
});

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe('docker_image apply', () => {
  it('fails quickly and clearly for an image that is absent and cannot be pulled', async () => {
    const name = '127.0.0.1:1/omnitron-local/does-not-exist:1';
    const started = Date.now();
    const err = await failure(dockerImage.apply(ctx, { action: 'create', address: 'docker_image.ghost', attributes: { name } }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(err.message).toMatch(new RegExp(`^image ${name.replace(/[.:/]/g, '\\$&')} is not present locally and could not be pulled: .*connection refused`));
    expect(err.hint).toContain('stacks.test.serviceOverrides.ghost.docker.image');
    expect(err.hint).toContain(`docker build -t ${name}`);
  });

  it('gives up on a registry that never answers instead of hanging', async () => {
    const { port } = silent.address() as net.AddressInfo;
    const name = `127.0.0.1:${port}/omnitron-local/slow:1`;
    const started = Date.now();
    const err = await failure(createImageType({ pullTimeoutMs: 2000 }).apply(ctx, { action: 'create', address: 'service.slow.image', attributes: { name } }));
    expect(Date.now() - started).toBeLessThan(8000);
    expect(err.message).toBe(`image ${name} is not present locally and could not be pulled: the pull did not finish within 2s`);
  });

  it('returns the id of an image that is present and leaves it on delete', async () => {
    const docker = createDockerClient();
    const before = await docker.getImage('omnitron-local/redis:7').inspect();
    expect(await dockerImage.apply(ctx, { action: 'delete', address: 'service.redis.image' })).toBeUndefined();
    expect((await docker.getImage('omnitron-local/redis:7').inspect()).Id).toBe(before.Id);
  });
});
