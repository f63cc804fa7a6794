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
    const { requirement, diagnostics } = expandPreset('onion', { preset: 'tor', config: { hiddenServices: [] } }, ctx);
    expect(requirement).toEqual(expect.objectContaining({ preset: 'tor', presetConfig: { hiddenServices: [] } }));
    expect(requirement!.docker).toBeUndefined();
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'warning', summary: 'preset "tor" is not yet supported; it will not be provisioned', path: 'infrastructure.services.db.preset' })]);
  });

  it('expands openresty: OpenResty\'s image for users, port 8080 published where `ports.http` says', () => {
    const { requirement, diagnostics } = expandPreset('gateway', { preset: 'openresty', ports: { http: 18080 } }, ctx);
    expect(diagnostics).toEqual([]);
    expect(requirement).toMatchObject({ preset: 'openresty', ports: { http: 8080 }, docker: { image: 'openresty/openresty:alpine', portMappings: { http: 18080 }, volumes: {} } });
    expect(requirement!.gatewaySite).toBeUndefined();
  });

  it('rejects unknown presets, listing the known ones', () => {
    const { requirement, diagnostics } = expandPreset('db', { preset: 'mongo' }, ctx);
    expect(requirement).toBeUndefined();
    expect(diagnostics[0]).toMatchObject({ severity: 'error', summary: 'unknown preset "mongo"' });
    expect(diagnostics[0].detail).toContain('"postgres", "redis", "openresty", "minio" and "tor"');
  });
});
