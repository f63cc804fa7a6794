import { describe, expect, it } from 'vitest';
import type { NodeSpec, ResolvedService } from '../config/model.js';
import type { BareMetalServiceSpec } from '../config/model.js';
import { customOnNode } from './baremetal-services.js';

const node = { name: 'search-1' } as NodeSpec;

function service(bareMetal: BareMetalServiceSpec, networkMode?: string): ResolvedService {
  return {
    name: 'search', declaredBy: ['web'], endpointPorts: { http: 9200 },
    requirement: { ports: { http: 9200 }, env: {}, secrets: {}, startupTimeout: 60_000, dependsOn: [], critical: true, version: '>=8', bareMetal, ...(networkMode ? { networkMode } : {}) },
  };
}

const attributesOf = (svc: ResolvedService, type: string) => customOnNode(svc, node, () => '10.0.0.1')!.resources.find((r) => r.type === type)?.attributes;

describe('a custom service on a node: who runs its validateCommand', () => {
  it('the version check names the service user, which the probe runs it as when the account exists (else nobody)', () => {
    expect(attributesOf(service({ validateCommand: 'search --version', user: 'search', systemdUnit: 'search' }), 'version_check'))
      .toEqual({ node: 'search-1', service: 'search', command: 'search --version', range: '>=8', user: 'search' });
    expect(attributesOf(service({ validateCommand: 'search --version', systemdUnit: 'search' }), 'version_check'))
      .toEqual({ node: 'search-1', service: 'search', command: 'search --version', range: '>=8' });
  });

  it('an install command\'s unless check names the service user too; the install itself is not a check', () => {
    expect(attributesOf(service({ installCommand: 'apt-get install -y search', validateCommand: 'search --version', user: 'search' }), 'node_command'))
      .toEqual({ node: 'search-1', command: 'apt-get install -y search', unless: 'search --version', unlessUser: 'search' });
    expect(attributesOf(service({ installCommand: 'apt-get install -y search', user: 'search' }), 'node_command'))
      .toEqual({ node: 'search-1', command: 'apt-get install -y search' });
  });

  it('the networkMode variant\'s validateCommand and user are the ones checked', () => {
    const svc = service({ validateCommand: 'search --version', user: 'search', variants: { cluster: { validateCommand: 'search-cluster --version', user: 'searchc' } } }, 'cluster');
    expect(attributesOf(svc, 'version_check')).toMatchObject({ command: 'search-cluster --version', user: 'searchc' });
  });
});

describe('a custom service on a fresh node: what installs it comes first', () => {
  const built = (bm: BareMetalServiceSpec, extra: Partial<ResolvedService['requirement']> = {}) => {
    const svc = service(bm);
    return customOnNode({ ...svc, requirement: { ...svc.requirement, ...extra } }, node, () => '10.0.0.1')!;
  };
  const find = (b: ReturnType<typeof built>, type: string) => b.resources.find((r) => r.type === type)!;

  it('packages, then the install command, then the account, the version check, files and the unit', () => {
    const b = built({ packages: ['search-server', { name: 'search-tools', version: '>=8' }], installCommand: 'install-plugins', validateCommand: 'search --version', user: 'search', dataDir: '/var/lib/search', systemdUnit: 'search' });
    const pkgs = b.resources.filter((r) => r.type === 'apt_package');
    expect(pkgs.map((r) => r.attributes)).toEqual([{ node: 'search-1', name: 'search-server' }, { node: 'search-1', name: 'search-tools', version: '>=8' }]);
    const install = find(b, 'node_command');
    expect(install.dependsOn).toEqual(pkgs.map((r) => r.address));
    expect(find(b, 'service_user')).toMatchObject({ attributes: { node: 'search-1', name: 'search', home: '/var/lib/search' }, dependsOn: [...pkgs.map((r) => r.address), install.address] });
    const check = find(b, 'version_check');
    expect(check.dependsOn).toEqual([...pkgs.map((r) => r.address), install.address]);
    // The check waits on the installers' outputs: unknown on a fresh node, so it runs during apply, after them.
    expect((check.attributes as { after: unknown }).after).toEqual([
      { $ref: pkgs[0].address, output: 'version' }, { $ref: pkgs[1].address, output: 'version' }, { $ref: install.address, output: 'installed' },
    ]);
    expect(find(b, 'node_directory').dependsOn).toEqual(expect.arrayContaining([find(b, 'service_user').address, check.address]));
    expect(find(b, 'systemd_service').dependsOn).toContain(find(b, 'node_directory').address);
  });

  it('root needs no account, and a service without installers checks its version at plan as before', () => {
    const b = built({ validateCommand: 'search --version', user: 'root', systemdUnit: 'search' });
    expect(b.resources.some((r) => r.type === 'service_user')).toBe(false);
    expect(find(b, 'version_check').attributes).not.toHaveProperty('after');
  });

  it('the unit carries the health check as its node runs it', () => {
    const timing = { interval: 1000, timeout: 5000, retries: 30, startPeriod: 2000 };
    const health = (check: NonNullable<ResolvedService['requirement']['healthCheck']>, bm: BareMetalServiceSpec = {}) =>
      (find(built({ systemdUnit: 'search', user: 'search', ...bm }, { healthCheck: check }), 'systemd_service').attributes as { health?: unknown }).health;
    expect(health({ type: 'command', target: 'search ping', ...timing })).toEqual({ type: 'command', target: 'search ping', user: 'search', ...timing });
    expect(health({ type: 'tcp', target: 'http', ...timing })).toMatchObject({ type: 'tcp', target: '127.0.0.1:9200' });
    expect(health({ type: 'tcp', target: 'http', ...timing }, { bindAddress: '10.1.2.3' })).toMatchObject({ target: '10.1.2.3:9200' });
    expect(health({ type: 'http', target: ':9200/_health', ...timing })).toMatchObject({ type: 'http', target: 'http://127.0.0.1:9200/_health' });
    expect(health({ type: 'http', target: '9200/_health', ...timing }, { bindAddress: '::1' })).toMatchObject({ target: 'http://[::1]:9200/_health' });
    expect(find(built({ systemdUnit: 'search' }), 'systemd_service').attributes).not.toHaveProperty('health');
  });
});
