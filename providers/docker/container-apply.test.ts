import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../planner/expr.js';
import { ProviderError, type ProviderContext } from '../../planner/resource.js';
import { dockerContainer } from './container.js';
import { dockerOnlyClients } from '../../test/support/provider-context.js';

// An engine that is not there: any call that reached Docker would fail with "cannot reach the Docker engine".
const ctx: ProviderContext = {
  scope: { project: 'p', stack: 's', root: '/tmp', stackDir: '/tmp', lineage: 'test-lineage' },
  clients: dockerOnlyClients(() => new Docker({ socketPath: '/tmp/omnitron-no-such-docker.sock' })),
  signal: new AbortController().signal,
  emit: () => {},
};

const attributes = {
  name: 'x', image: 'img:1', env: {}, ports: [], volumes: [], aliases: [], restart: 'no', extraHosts: [],
  labels: { 'omnitron.managed': 'true' },
} as Json;

describe('docker_container apply', () => {
  it('refuses the omnitron.managed label before touching Docker', async () => {
    const err = await dockerContainer.apply(ctx, { action: 'create', address: 'docker_container.x', attributes, hash: 'h', steps: { existing: 'none' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).message).toBe('label omnitron.managed is not allowed on container x');
  });

  it('turns an unreachable engine into the clear error', async () => {
    const ok = { ...(attributes as object), labels: {} } as Json;
    await expect(dockerContainer.apply(ctx, { action: 'create', address: 'docker_container.x', attributes: ok, hash: 'h', steps: { existing: 'none' } }))
      .rejects.toThrow(/^cannot reach the Docker engine at .*: connect ENOENT \/tmp\/omnitron-no-such-docker.sock — is dockerd running\?$/);
  });
});
