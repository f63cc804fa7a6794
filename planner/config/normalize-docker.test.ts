import { describe, expect, it } from 'vitest';
import { normalizeDocker, normalizeDockerOverlay } from './normalize-docker.js';

const ctx = { file: '/p/apps/media/config/default.json', root: '/p', prefix: ['omnitron', 'infrastructure', 'search', 'docker'], strict: false };

describe('normalizeDocker', () => {
  it('fills the defaults real Omnitron leaves open', () => {
    const { docker, diagnostics } = normalizeDocker({ image: 'redis:7' }, ctx);
    expect(diagnostics).toEqual([]);
    expect(docker).toEqual({
      image: 'redis:7', environment: {}, volumes: {}, portMappings: {}, resources: {}, labels: {}, extraHosts: [],
      bindHost: '127.0.0.1', restart: 'unless-stopped',
    });
  });

  it('expands shorthands and resolves bind mounts against the config root', () => {
    const { docker } = normalizeDocker({
      image: 'x', environment: { N: 1, B: true }, command: 'server', entrypoint: ['/bin/sh', '-c'],
      volumes: { data: '/var/lib/x', conf: { source: './infra/conf', target: '/etc/x', readonly: true }, abs: { source: '/srv/x', target: '/x' }, named: { source: 'cache', target: '/cache' } },
      healthCheck: { test: 'curl -sf localhost', interval: '5s' },
      bindHost: '0.0.0.0', resources: { memory: '1G' },
    }, ctx);
    expect(docker.environment).toEqual({ N: '1', B: 'true' });
    expect(docker.command).toEqual(['server']);
    expect(docker.entrypoint).toEqual(['/bin/sh', '-c']);
    expect(docker.volumes).toEqual({
      data: { source: 'data', target: '/var/lib/x', readonly: false },
      conf: { source: '/p/infra/conf', target: '/etc/x', readonly: true },
      abs: { source: '/srv/x', target: '/x', readonly: false },
      named: { source: 'cache', target: '/cache', readonly: false },
    });
    expect(docker.healthCheck).toEqual({ test: ['CMD-SHELL', 'curl -sf localhost'], interval: 5_000, timeout: 10_000, retries: 5, startPeriod: 30_000 });
    expect(docker.bindHost).toBe('0.0.0.0');
    expect(docker.resources).toEqual({ memory: '1G' });
  });

  it('normalises variants as overlays (no defaults that would reset the base)', () => {
    const { docker } = normalizeDocker({ image: 'x', variants: { cluster: { environment: { C: 'y' }, resources: { memory: '4G' } } } }, ctx);
    expect(docker.variants).toEqual({ cluster: { environment: { C: 'y' }, resources: { memory: '4G' } } });
  });

  it('warns about fields it cannot honour yet', () => {
    const { diagnostics } = normalizeDockerOverlay({ user: 'es', network: 'host' }, ctx);
    expect(diagnostics.map((d) => `${d.severity} ${d.path}: ${d.summary}`)).toEqual([
      'warning omnitron.infrastructure.search.docker.user: docker user is not supported yet and is ignored',
      'warning omnitron.infrastructure.search.docker.network: docker network is not supported yet and is ignored',
    ]);
  });
});
