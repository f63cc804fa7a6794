import { describe, expect, it } from 'vitest';
import { expandPreset, presetRequirement } from './presets.js';

const ctx = { file: '/p/omnitron.config.ts', root: '/p', prefix: ['infrastructure', 'services', 'db'], strict: false };

describe('presetRequirement', () => {
  it('expands postgres as real Omnitron does', () => {
    const req = presetRequirement('postgres');
    expect(req).toMatchObject({ preset: 'postgres', ports: { main: 5432 }, startupTimeout: 120_000, critical: true, env: {}, secrets: {}, dependsOn: [] });
    expect(req.docker).toMatchObject({
      image: 'postgres:17-alpine', shmSize: '256m', bindHost: '127.0.0.1', restart: 'unless-stopped',
      volumes: { data: { source: 'data', target: '/var/lib/postgresql/data', readonly: false } },
      command: ['postgres', '-c', 'max_connections=200', '-c', 'shared_buffers=256MB', '-c', 'log_statement=none',
        '-c', 'log_min_duration_statement=1000', '-c', 'idle_in_transaction_session_timeout=60000'],
    });
    expect(req.healthCheck).toBeUndefined();
  });

  it('expands redis', () => {
    expect(presetRequirement('redis')).toMatchObject({
      preset: 'redis', ports: { main: 6379 },
      docker: { image: 'redis:7-alpine', volumes: { data: { source: 'data', target: '/data', readonly: false } }, command: ['redis-server', '--appendonly', 'yes', '--maxmemory-policy', 'allkeys-lru'] },
    });
  });

  it('expands minio and tor', () => {
    expect(presetRequirement('minio')).toMatchObject({
      preset: 'minio', ports: { api: 9000, console: 9001 },
      docker: { image: 'minio/minio', volumes: { data: { target: '/data' } }, command: ['server', '/data', '--console-address', ':9001'] },
    });
    expect(presetRequirement('tor')).toMatchObject({
      preset: 'tor', ports: {},
      docker: { image: 'omnitron-local/tor:bookworm', volumes: { data: { target: '/var/lib/tor' } }, extraHosts: ['host.docker.internal:host-gateway'] },
    });
  });

  it('returns a fresh object each time', () => {
    presetRequirement('redis').ports.main = 1;
    expect(presetRequirement('redis').ports.main).toBe(6379);
  });
});

describe('expandPreset', () => {
  it('lets image, docker, config and secrets override or extend the preset', () => {
    const { requirement, diagnostics } = expandPreset('db', {
      preset: 'postgres', image: 'postgres:16-alpine', config: { databases: { auth: {} } },
      secrets: { password: { secret: 'pg_password' }, user: 'app' },
      docker: { environment: { TZ: 'UTC' }, shmSize: '1g' }, resources: { memory: '2G' }, dependsOn: ['vault'],
    }, ctx);
    expect(diagnostics).toEqual([]);
    expect(requirement).toMatchObject({
      preset: 'postgres', presetConfig: { databases: { auth: {} } }, dependsOn: ['vault'],
      secrets: { password: { kind: 'generated', key: 'pg_password' }, user: { kind: 'literal', value: 'app' } },
      docker: { image: 'postgres:16-alpine', environment: { TZ: 'UTC' }, shmSize: '1g', resources: { memory: '2G' } },
    });
  });

  it('treats a preset port as the host port (the image keeps its own), new names as container ports', () => {
    const { requirement } = expandPreset('db', { preset: 'postgres', ports: { main: 5480, metrics: 9187 } }, ctx);
    expect(requirement!.ports).toEqual({ main: 5432, metrics: 9187 });
    expect(requirement!.docker!.portMappings).toEqual({ main: 5480 });
  });

  it('keeps an explicit docker portMapping over a preset port', () => {
    const { requirement } = expandPreset('db', { preset: 'redis', ports: { main: 6380 }, docker: { portMappings: { main: 16379 } } }, ctx);
    expect(requirement!.docker!.portMappings).toEqual({ main: 16379 });
  });

  it('accepts planned presets with a warning and nothing to run', () => {
    const { requirement, diagnostics } = expandPreset('gateway', { preset: 'openresty', config: { configDir: './infra/nginx' }, ports: { http: 8080 } }, ctx);
    expect(requirement).toEqual(expect.objectContaining({ preset: 'openresty', presetConfig: { configDir: './infra/nginx' }, ports: { http: 8080 } }));
    expect(requirement!.docker).toBeUndefined();
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'warning', summary: 'preset "openresty" is not yet supported; it will not be provisioned', path: 'infrastructure.services.db.preset' })]);
  });

  it('normalizes a tor service\'s config and reports its errors with their paths', () => {
    const hiddenServices = [{ name: 'admin', virtualPort: 80, target: 8080 }];
    const ok = expandPreset('tor', { preset: 'tor', config: { hiddenServices, extraTorrc: 'DisableNetwork 1' } }, ctx);
    expect(ok.diagnostics).toEqual([]);
    expect(ok.requirement!.presetConfig).toEqual({ hiddenServices: [{ name: 'admin', virtualPort: 80, target: '8080' }], extraTorrc: ['DisableNetwork 1'] });
    const bad = expandPreset('tor', { preset: 'tor', config: { hiddenServices: [{ name: 'admin', virtualPort: 0, target: 8080 }] } }, ctx);
    expect(bad.diagnostics).toEqual([expect.objectContaining({ severity: 'error', path: 'infrastructure.services.db.config.hiddenServices[0].virtualPort' })]);
  });

  it('rejects unknown presets, listing the known ones', () => {
    const { requirement, diagnostics } = expandPreset('db', { preset: 'mongo' }, ctx);
    expect(requirement).toBeUndefined();
    expect(diagnostics[0]).toMatchObject({ severity: 'error', summary: 'unknown preset "mongo"' });
    expect(diagnostics[0].detail).toContain('"postgres", "redis", "minio", "tor" and "openresty"');
  });
});
