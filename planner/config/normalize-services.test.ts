import { describe, expect, it } from 'vitest';
import { normalizeServices } from './normalize-services.js';

const ctx = { file: '/p/omnitron.config.ts', root: '/p', prefix: ['infrastructure', 'services'], strict: false };

describe('normalizeServices', () => {
  it('expands presets and normalises custom services with their defaults', () => {
    const { services, diagnostics } = normalizeServices({
      pg: { preset: 'postgres' },
      search: {
        ports: { http: 9200 }, env: { URL: 'http://${host}:${port:http}' }, secrets: { k: 'literal' },
        healthCheck: { type: 'http', target: '/health', interval: '1m' }, networkMode: 'cluster',
        docker: { image: 'es:8', variants: { cluster: { portMappings: { http: 9202 } } } },
        bareMetal: { systemdUnit: 'elasticsearch' },
      },
    }, ctx);
    expect(diagnostics).toEqual([]);
    expect(services.pg.preset).toBe('postgres');
    expect(services.search).toMatchObject({
      ports: { http: 9200 }, env: { URL: 'http://${host}:${port:http}' }, secrets: { k: { kind: 'literal', value: 'literal' } },
      healthCheck: { type: 'http', target: '/health', interval: 60_000, timeout: 10_000, retries: 5, startPeriod: 30_000 },
      startupTimeout: 120_000, critical: true, dependsOn: [], networkMode: 'cluster',
      docker: { image: 'es:8', variants: { cluster: { portMappings: { http: 9202 } } } },
      bareMetal: { systemdUnit: 'elasticsearch' },
    });
    expect(services.search.preset).toBeUndefined();
  });

  it('checks each entry on its own, so a bad one hides nothing', () => {
    const { services, diagnostics } = normalizeServices({
      a: 'postgres', b: { ports: { http: 70000 }, docker: { image: 'x' } }, c: { ports: { main: 1 }, docker: { image: 'y', portMappings: { mian: 2 } } }, ok: { preset: 'redis' },
    }, ctx);
    expect(Object.keys(services)).toEqual(['c', 'ok']);
    expect(diagnostics.map((d) => `${d.path}: ${d.summary}`)).toEqual([
      'infrastructure.services.a: expected an object, got "postgres"',
      'infrastructure.services.b.ports.http: invalid port 70000',
      'infrastructure.services.c.docker.portMappings.mian: maps unknown port "mian" (did you mean "main"?)',
    ]);
  });

  it('requires a docker image when a docker block is given', () => {
    const { diagnostics } = normalizeServices({ s: { ports: { a: 1 }, docker: { environment: {} } } }, ctx);
    expect(diagnostics[0]).toMatchObject({ path: 'infrastructure.services.s.docker.image', summary: 'missing required field (expected a string)' });
  });
});
