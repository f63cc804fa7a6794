import { describe, expect, it } from 'vitest';
import { ref } from '../../planner/expr.js';
import { containerOutputs, dockerContainer } from './container.js';
import { dockerImage } from './image.js';
import { dockerNetwork } from './network.js';
import { hintsFrom } from './observe.js';
import { dockerVolume } from './volume.js';

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
