import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { ref } from '../../planner/expr.js';
import type { DesiredResource } from '../../planner/resource.js';
import { testProviderContext } from '../../test/support/provider-context.js';
import { imageDefaults, toContainerAttributes, type ImageConfig, type InspectedContainer } from './container-attributes.js';
import { containerOutputs, dockerContainer } from './container.js';
import { dockerImage } from './image.js';
import { dockerNetwork } from './network.js';
import { hintsFrom, observeDocker } from './observe.js';
import { dockerVolume } from './volume.js';

const loadFixture = (file: string) => JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8'));

describe('observe helpers', () => {
  it('reads which fields and keys the desired container sets, even when values are refs', () => {
    const hints = hintsFrom({ name: 'x', command: ['a'], env: { PATH: '/bin', PASSWORD: ref('random.pw', 'result') }, labels: { team: 'core' } });
    expect([...hints.fields]).toEqual(['name', 'command', 'env', 'labels']);
    expect([...hints.envKeys]).toEqual(['PATH', 'PASSWORD']);
    expect([...hints.labelKeys]).toEqual(['team']);
  });

  it('gives container outputs: first port host, ports by name, loopback for wildcard binds', () => {
    const ports = [{ name: 'main', container: 5432, host: 15432, hostIp: '0.0.0.0' }, { name: 'admin', container: 80, host: 18080, hostIp: '0.0.0.0' }];
    expect(containerOutputs('id1', { name: 'pg', ports })).toEqual({ id: 'id1', name: 'pg', host: '127.0.0.1', ports: { main: 15432, admin: 18080 } });
    expect(containerOutputs('id1', { name: 'pg', ports: [{ ...ports[0], hostIp: '127.0.0.2' }] }).host).toBe('127.0.0.2');
    expect(containerOutputs('id1', { name: 'pg', ports: [] }).host).toBe('127.0.0.1');
  });
});

describe('outputs recorded for objects found live', () => {
  it('match what apply would have returned', () => {
    const ports = [{ name: 'main', container: 6379, host: 16379, hostIp: '127.0.0.1' }];
    expect(dockerContainer.recordOutputs({ address: 'a', type: 'docker_container', id: 'c1', attributes: { name: 'r', ports } }))
      .toEqual({ id: 'c1', name: 'r', host: '127.0.0.1', ports: { main: 16379 } });
    expect(dockerImage.recordOutputs({ address: 'a', type: 'docker_image', id: 'sha256:1', attributes: { name: 'img:1' } })).toEqual({ id: 'sha256:1', name: 'img:1' });
    expect(dockerNetwork.recordOutputs({ address: 'a', type: 'docker_network', id: 'n1', attributes: { name: 'net', driver: 'bridge' } })).toEqual({ id: 'n1', name: 'net' });
    expect(dockerVolume.recordOutputs({ address: 'a', type: 'docker_volume', id: 'v', attributes: { name: 'v' } })).toEqual({ name: 'v' });
  });
});

describe('observe reads each image once', () => {
  const container: InspectedContainer = loadFixture('redis-container.inspect.json');
  const image = loadFixture('redis-image.inspect.json') as { Id: string; Config: ImageConfig; RepoTags: string[] };
  const imageName = image.RepoTags[0]!;
  const imageResource: DesiredResource = { address: 'docker_image.redis', type: 'docker_image', attributes: { name: imageName }, dependsOn: [], sensitive: [] };
  const containerResource: DesiredResource = { address: 'service.redis.container', type: 'docker_container', attributes: { name: 'fixture-redis', image: imageName, env: { REDIS_PASSWORD: 'x', MODE: 'dev' } }, dependsOn: [], sensitive: [] };

  /** A Docker engine holding the recorded container and image (by name and by id); it records every inspect. */
  function engine(opts: { imageGone?: boolean } = {}) {
    const inspects: string[] = [];
    const notFound = () => Promise.reject(Object.assign(new Error('(HTTP code 404) no such object'), { statusCode: 404 }));
    const docker = {
      listNetworks: async () => [],
      listVolumes: async () => ({ Volumes: [] }),
      listContainers: async () => [{ Id: container.Id }],
      getContainer: (id: string) => ({ inspect: () => { inspects.push(`container ${id}`); return id === container.Id ? Promise.resolve(container) : notFound(); } }),
      getImage: (ref: string) => ({ inspect: () => { inspects.push(`image ${ref}`); return !opts.imageGone && (ref === imageName || ref === image.Id) ? Promise.resolve(image) : notFound(); } }),
    };
    return { docker: docker as unknown as Docker, inspects };
  }

  async function observe(docker: Docker, desired: DesiredResource[]) {
    const { ctx } = testProviderContext('shop');
    return observeDocker({ ...ctx, clients: { ...ctx.clients, docker: () => docker } }, { scope: { ...ctx.scope, stack: 'dev' }, desired, prior: [], lookup: () => undefined });
  }

  it('takes the container\'s image defaults from the image the config names, read once by name', async () => {
    const { docker, inspects } = engine();
    const set = await observe(docker, [imageResource, containerResource]);
    expect(inspects.filter((i) => i.startsWith('image'))).toEqual([`image ${imageName}`]);
    expect(set.objects.get('docker_image.redis')).toMatchObject({ type: 'docker_image', id: image.Id });
    expect(set.objects.get('service.redis.container')!.attributes).toEqual(toContainerAttributes(container, imageDefaults(image.Config)));
  });

  it('reads a container\'s image by id when the config does not name it', async () => {
    const { docker, inspects } = engine();
    const set = await observe(docker, [containerResource]);
    expect(inspects.filter((i) => i.startsWith('image'))).toEqual([`image ${container.Image}`]);
    expect(set.objects.get('service.redis.container')!.attributes).toEqual(toContainerAttributes(container, imageDefaults(image.Config)));
  });

  it('finds no image object for a removed image, and reads its container without defaults', async () => {
    const { docker, inspects } = engine({ imageGone: true });
    const set = await observe(docker, [imageResource, containerResource]);
    expect(set.objects.has('docker_image.redis')).toBe(false);
    expect(inspects.filter((i) => i.startsWith('image'))).toEqual([`image ${imageName}`, `image ${container.Image}`]);
    expect(set.objects.get('service.redis.container')!.attributes).toEqual(toContainerAttributes(container, undefined));
  });
});
