import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../planner/resource.js';
import { createDockerClient, dockerEndpoint, dockerUnreachable, isUnreachable } from './client.js';
import { dockerProvider } from './index.js';
import { dockerOnlyClients } from '../../test/support/provider-context.js';

const saved = process.env.DOCKER_HOST;
afterEach(() => {
  if (saved === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = saved;
});

describe('docker client', () => {
  it('honours DOCKER_HOST', () => {
    process.env.DOCKER_HOST = 'tcp://127.0.0.1:23750';
    const modem = createDockerClient().modem as unknown as { host: string; port: string; headers: object };
    expect([modem.host, modem.port]).toEqual(['127.0.0.1', '23750']);
    expect(dockerEndpoint()).toBe('tcp://127.0.0.1:23750');
    expect(modem.headers).toEqual({});
  });

  it('names the host by IP only over a unix socket, where the engine never reads it', () => {
    const modemFor = (dockerHost: string | undefined) => {
      if (dockerHost === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = dockerHost;
      return createDockerClient().modem as unknown as { socketPath: unknown; headers: object };
    };
    for (const socket of [undefined, 'unix:///run/user/1000/docker.sock']) {
      const modem = modemFor(socket);
      expect(modem.socketPath, String(socket)).toBeDefined();
      expect(modem.headers, String(socket)).toEqual({ host: '127.0.0.1' });
    }
    expect(modemFor('npipe:////./pipe/docker_engine').headers).toEqual({});
  });

  it('explains an unreachable engine', () => {
    const cause = Object.assign(new Error('connect ENOENT /nope.sock'), { code: 'ENOENT' });
    expect(isUnreachable(cause)).toBe(true);
    const err = dockerUnreachable(cause, 'provider.docker', 'unix:///nope.sock');
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toBe('cannot reach the Docker engine at unix:///nope.sock: connect ENOENT /nope.sock — is dockerd running?');
  });

  it('does not mistake an engine refusal for an unreachable engine', () => {
    expect(isUnreachable(Object.assign(new Error('(HTTP code 404) no such container'), { statusCode: 404 }))).toBe(false);
  });

  it('makes observe fail with that error when no engine listens', async () => {
    process.env.DOCKER_HOST = 'unix:///tmp/omnitron-no-such-docker.sock';
    const ctx = {
      scope: { project: 'p', stack: 's', root: '/tmp', stackDir: '/tmp', lineage: 'test-lineage' },
      clients: dockerOnlyClients(createDockerClient),
      signal: new AbortController().signal,
      emit: () => {},
    };
    const observing = dockerProvider.observe(ctx, { scope: ctx.scope, desired: [], prior: [], lookup: () => undefined });
    await expect(observing).rejects.toThrow(/^cannot reach the Docker engine at unix:\/\/\/tmp\/omnitron-no-such-docker.sock: .*ENOENT.* — is dockerd running\?$/);
  });
});
