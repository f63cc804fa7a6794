import { describe, expect, it } from 'vitest';
import type { DockerServiceSpec } from './model.js';
import { overlayDocker } from './docker-overlay.js';

const base: DockerServiceSpec = {
  image: 'elasticsearch:8.11.0',
  environment: { 'discovery.type': 'single-node', A: '1' },
  volumes: { data: { source: 'data', target: '/data', readonly: false } },
  command: ['es'],
  portMappings: { http: 9201 },
  bindHost: '127.0.0.1',
  resources: { memory: '1G', cpus: 2 },
  restart: 'unless-stopped',
  labels: { team: 'search' },
  extraHosts: ['a:1.2.3.4'],
};

describe('overlayDocker', () => {
  it('merges environment, portMappings and labels key by key', () => {
    const out = overlayDocker(base, { environment: { A: '2', B: '3' }, portMappings: { transport: 9301 }, labels: { tier: 'x' } });
    expect(out.environment).toEqual({ 'discovery.type': 'single-node', A: '2', B: '3' });
    expect(out.portMappings).toEqual({ http: 9201, transport: 9301 });
    expect(out.labels).toEqual({ team: 'search', tier: 'x' });
  });

  it('replaces volumes and resources wholesale when set', () => {
    const out = overlayDocker(base, { resources: { memory: '4G' }, volumes: {} });
    expect(out.resources).toEqual({ memory: '4G' });
    expect(out.volumes).toEqual({});
  });

  it('replaces other fields and keeps what the overlay leaves out', () => {
    const out = overlayDocker(base, { image: 'elasticsearch:8.12.0', command: ['es', '-v'], extraHosts: [] });
    expect(out).toEqual({ ...base, image: 'elasticsearch:8.12.0', command: ['es', '-v'], extraHosts: [] });
  });

  it('leaves the base untouched', () => {
    overlayDocker(base, { environment: { Z: '1' } });
    expect(base.environment).toEqual({ 'discovery.type': 'single-node', A: '1' });
    expect(overlayDocker(base, undefined)).toBe(base);
  });
});
