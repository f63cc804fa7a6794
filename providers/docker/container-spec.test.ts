import { describe, expect, it } from 'vitest';
import type { ContainerAttributes } from './container-attributes.js';
import { createOptions, InvalidSize, restartPolicy } from './container-spec.js';
import { ownershipLabels } from './labels.js';

const attrs: ContainerAttributes = {
  name: 'shop-dev-postgres',
  image: 'omnitron-local/postgres:15',
  command: ['postgres', '-c', 'max_connections=200'],
  env: { POSTGRES_PASSWORD: 'pw' },
  ports: [{ name: 'main', container: 5432, host: 15432, hostIp: '127.0.0.1' }],
  volumes: [{ type: 'volume', source: 'shop-dev-postgres-data', target: '/var/lib/postgresql/data', readonly: false }],
  network: 'shop-dev_default',
  aliases: ['postgres'],
  healthcheck: { test: ['CMD', 'pg_isready'], interval: 3000, timeout: 5000, retries: 30, startPeriod: 1000 },
  restart: 'unless-stopped',
  memory: '512m',
  memoryReservation: '256m',
  cpus: 0.5,
  shmSize: '256m',
  labels: { team: 'data' },
  extraHosts: ['host.docker.internal:host-gateway'],
};
const ownership = ownershipLabels({ project: 'shop', stack: 'dev', lineage: 'L1' }, 'service.postgres.container', 'h'.repeat(32));

describe('container create options', () => {
  it('maps every attribute into the Docker create request', () => {
    expect(createOptions(attrs, ownership)).toEqual({
      name: 'shop-dev-postgres',
      Image: 'omnitron-local/postgres:15',
      Cmd: ['postgres', '-c', 'max_connections=200'],
      Env: ['POSTGRES_PASSWORD=pw'],
      Labels: { ...ownership, 'dev.omnitron.port-names': '{"5432":"main"}', team: 'data' },
      ExposedPorts: { '5432/tcp': {} },
      Healthcheck: { Test: ['CMD', 'pg_isready'], Interval: 3e9, Timeout: 5e9, Retries: 30, StartPeriod: 1e9 },
      NetworkingConfig: { EndpointsConfig: { 'shop-dev_default': { Aliases: ['postgres'] } } },
      HostConfig: {
        PortBindings: { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '15432' }] },
        Mounts: [{ Type: 'volume', Source: 'shop-dev-postgres-data', Target: '/var/lib/postgresql/data', ReadOnly: false }],
        RestartPolicy: { Name: 'unless-stopped' },
        ExtraHosts: ['host.docker.internal:host-gateway'],
        NetworkMode: 'shop-dev_default',
        Memory: 512 * 1024 ** 2,
        MemoryReservation: 256 * 1024 ** 2,
        NanoCpus: 500_000_000,
        ShmSize: 256 * 1024 ** 2,
      },
    });
  });

  it('leaves optional fields out when not configured', () => {
    const minimal: ContainerAttributes = { ...attrs, command: undefined, healthcheck: undefined, network: undefined, memory: undefined, memoryReservation: undefined, cpus: undefined, shmSize: undefined };
    const options = createOptions(minimal, ownership);
    expect(options).not.toHaveProperty('Cmd');
    expect(options).not.toHaveProperty('Healthcheck');
    expect(options).not.toHaveProperty('NetworkingConfig');
    expect(Object.keys(options.HostConfig ?? {}).sort()).toEqual(['ExtraHosts', 'Mounts', 'PortBindings', 'RestartPolicy']);
  });

  it('rejects a size Docker would not understand', () => {
    expect(() => createOptions({ ...attrs, memory: 'lots' }, ownership)).toThrow(InvalidSize);
  });

  it('splits on-failure retry counts', () => {
    expect(restartPolicy('on-failure:3')).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
    expect(restartPolicy('always')).toEqual({ Name: 'always' });
  });
});
