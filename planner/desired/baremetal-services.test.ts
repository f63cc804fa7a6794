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
