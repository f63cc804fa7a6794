/**
 * The plain-GET reads on the engine's socket against the real engine: they must see exactly what the
 * same reads through dockerode see, and fail the way dockerode fails, since observing uses either.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerReads } from '../../planner/resource.js';
import { createDockerClient } from './client.js';
import { createDockerReads, readsThrough, socketReads, unixSocketOf } from './engine-reads.js';
import { dockerMessage, dockerStatus, ifExists } from './errors.js';

const suffix = randomBytes(4).toString('hex');
const docker = createDockerClient();
const IMAGE = 'omnitron-local/redis:7';
const LABEL = `it.engine-reads=${suffix}`;
const filters = { label: [LABEL] };
const names = { container: `it-${suffix}-reads`, network: `it-${suffix}-reads`, volume: `it-${suffix}-reads` };
const lean = socketReads('/var/run/docker.sock');
const viaDockerode = readsThrough(docker);

beforeAll(async () => {
  const labels = { 'it.engine-reads': suffix };
  await docker.createNetwork({ Name: names.network, Labels: labels });
  await docker.createVolume({ Name: names.volume, Labels: labels });
  const container = await docker.createContainer({ name: names.container, Image: IMAGE, Cmd: ['sleep', 'infinity'], Labels: labels, HostConfig: { NetworkMode: names.network } });
  await container.start();
});

afterAll(async () => {
  await docker.getContainer(names.container).remove({ force: true }).catch(() => {});
  await docker.getNetwork(names.network).remove().catch(() => {});
  await docker.getVolume(names.volume).remove().catch(() => {});
});

describe('reads on the engine socket', () => {
  it('list by label what dockerode lists', async () => {
    for (const list of ['listContainers', 'listNetworks', 'listVolumes'] as const) {
      const [mine, theirs] = await Promise.all([lean[list](filters), viaDockerode[list](filters)]);
      expect(mine, list).toHaveLength(1);
      expect(mine, list).toEqual(theirs);
    }
  });

  it('inspect by id and by name what dockerode inspects, an image named with a registry path and tag too', async () => {
    const [{ Id }] = await lean.listContainers(filters);
    const reads: Array<(r: DockerReads) => Promise<unknown>> = [
      (r) => r.inspectContainer(Id), (r) => r.inspectContainer(names.container), (r) => r.inspectImage(IMAGE),
      (r) => r.inspectNetwork(names.network), (r) => r.inspectVolume(names.volume),
    ];
    for (const read of reads) {
      const [mine, theirs] = await Promise.all([read(lean), read(viaDockerode)]);
      expect(mine).toEqual(theirs);
    }
    expect((await lean.inspectContainer(names.container)).Name).toBe(`/${names.container}`);
  });

  it('fail on a missing object with dockerode\'s status and the engine\'s message', async () => {
    const missing = `it-${suffix}-missing`;
    const reads: Array<(r: DockerReads) => Promise<unknown>> = [
      (r) => r.inspectContainer(missing), (r) => r.inspectImage(`${missing}:1`), (r) => r.inspectNetwork(missing), (r) => r.inspectVolume(missing),
    ];
    for (const read of reads) {
      const [mine, theirs] = await Promise.all([read(lean).catch((e: unknown) => e), read(viaDockerode).catch((e: unknown) => e)]);
      expect(dockerStatus(mine)).toBe(404);
      expect(dockerMessage(mine)).toBe(dockerMessage(theirs));
      expect(await ifExists(read(lean))).toBeUndefined();
    }
  });

  it('keep a name to one path segment: a name cannot reach another endpoint', async () => {
    const err = await lean.inspectContainer('../../version').catch((e: unknown) => e);
    expect(dockerStatus(err)).not.toBe(200);
    expect(await lean.inspectContainer(`${names.container}?size=1#x`).catch((e: unknown) => dockerStatus(e))).toBe(404);
  });

  it('pass a missing socket through as the connection error, which observe reports as no engine', async () => {
    const err = await socketReads(`/tmp/omnitron-no-engine-${suffix}.sock`).listContainers(filters).catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('go through dockerode for an engine that is not on a unix socket', () => {
    expect(unixSocketOf('unix:///var/run/docker.sock')).toBe('/var/run/docker.sock');
    expect(unixSocketOf('tcp://127.0.0.1:2375')).toBeUndefined();
    let created = 0;
    createDockerReads(() => { created++; return docker; }, 'tcp://127.0.0.1:2375');
    createDockerReads(() => { created++; return docker; }, 'unix:///var/run/docker.sock');
    expect(created).toBe(1);
  });
});
