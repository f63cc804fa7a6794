import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { imageDefaults, parseBind, toContainerAttributes, type InspectedContainer } from './container-attributes.js';

const load = (file: string) => JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8'));
// Recorded from `docker inspect` of a redis container started with our labels (see fixtures/).
const inspected: InspectedContainer = load('redis-container.inspect.json');
const image = imageDefaults(load('redis-image.inspect.json').Config);
const network = inspected.HostConfig.NetworkMode!;

describe('observed container → attributes', () => {
  it('maps a recorded inspect into the desired attribute shape', () => {
    expect(toContainerAttributes(inspected, image)).toEqual({
      name: 'fixture-redis',
      image: 'omnitron-local/redis:7',
      command: ['redis-server', '--appendonly', 'yes'],
      env: { REDIS_PASSWORD: 's3cretpassword', MODE: 'dev' },
      ports: [{ name: 'main', container: 6379, host: 16379, hostIp: '127.0.0.1' }],
      volumes: [
        { type: 'volume', source: 'fixture-data', target: '/data', readonly: false },
        { type: 'bind', source: '/tmp', target: '/host-tmp', readonly: true },
      ],
      network,
      aliases: ['cache', 'redis'],
      healthcheck: { test: ['CMD-SHELL', 'redis-cli ping'], interval: 1000, timeout: 3000, retries: 5, startPeriod: 2000 },
      restart: 'unless-stopped',
      memory: '512m',
      memoryReservation: '256m',
      cpus: 1.5,
      shmSize: '128m',
      labels: { team: 'core' },
      extraHosts: ['db.internal:10.0.0.5'],
    });
  });

  it('drops env, labels and command inherited unchanged from the image', () => {
    const attrs = toContainerAttributes(inspected, image);
    expect(attrs.env).not.toHaveProperty('PATH');
    expect(attrs.labels).not.toHaveProperty('omnitron.recipe-hash');
    const plain = { ...inspected, Config: { ...inspected.Config, Cmd: image.cmd } };
    expect(toContainerAttributes(plain, image).command).toBeUndefined();
  });

  it('keeps inherited values the config names explicitly', () => {
    const hints = { fields: new Set(['command']), envKeys: new Set(['PATH']), labelKeys: new Set<string>() };
    const plain = { ...inspected, Config: { ...inspected.Config, Cmd: image.cmd } };
    const attrs = toContainerAttributes(plain, image, hints);
    expect(attrs.env.PATH).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(attrs.command).toEqual(image.cmd);
  });

  it('reports everything when the image is gone', () => {
    expect(toContainerAttributes(inspected, undefined).env).toHaveProperty('PATH');
  });

  it('leaves out docker defaults: 64m shm, default network, no limits', () => {
    const bare: InspectedContainer = {
      ...inspected,
      HostConfig: { NetworkMode: 'default', ShmSize: 64 * 1024 * 1024, RestartPolicy: { Name: '' } },
      NetworkSettings: { Networks: { bridge: { Aliases: null } } },
    };
    const attrs = toContainerAttributes(bare, image);
    expect(attrs).not.toHaveProperty('shmSize');
    expect(attrs).not.toHaveProperty('network');
    expect(attrs).not.toHaveProperty('memory');
    expect(attrs).not.toHaveProperty('cpus');
    expect(attrs.restart).toBe('no');
    expect(attrs.ports).toEqual([]);
    expect(attrs.volumes).toEqual([]);
    expect(attrs.aliases).toEqual([]);
  });

  it('names ports without a port-names label by number', () => {
    const unnamed = { ...inspected, Config: { ...inspected.Config, Labels: {} } };
    expect(toContainerAttributes(unnamed, image).ports[0].name).toBe('6379');
  });

  it('parses -v style binds', () => {
    expect(parseBind('data:/data')).toEqual({ type: 'volume', source: 'data', target: '/data', readonly: false });
    expect(parseBind('/etc/x:/x:ro,z')).toEqual({ type: 'bind', source: '/etc/x', target: '/x', readonly: true });
  });
});
