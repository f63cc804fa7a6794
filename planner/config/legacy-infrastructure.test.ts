import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, type TempProject } from '../../test/config/make-project.js';
import { loadEcosystemFromObject } from './load-ecosystem.js';
import { resolveStack } from './resolve-stack.js';

let project: TempProject | undefined;
afterEach(() => project?.remove());

function load(config: object, strict = false) {
  project?.remove();
  project = makeProject({ 'apps/web/config/default.json': { omnitron: {} } });
  return loadEcosystemFromObject(config, { file: project.file('omnitron.config.ts'), strict });
}

const apps = [{ name: 'web', bootstrap: './apps/web/dist/bootstrap.js' }];
const resources = { memory: '512m' };

const legacy = {
  postgres: { image: 'postgres:16-alpine', port: 15480, resources },
  redis: { image: 'redis:7.2-alpine', port: 16390 },
  minio: { ports: { api: 19000, console: 19001 }, accessKey: 'media-admin', secretKey: 'media-secret-key', buckets: ['uploads'] },
  gateway: { port: 18080, configDir: './infra/nginx' },
};
const servicesForm = {
  postgres: { preset: 'postgres', image: 'postgres:16-alpine', ports: { main: 15480 }, resources },
  redis: { preset: 'redis', image: 'redis:7.2-alpine', ports: { main: 16390 } },
  minio: { preset: 'minio', ports: { api: 19000, console: 19001 }, secrets: { accessKey: 'media-admin', secretKey: 'media-secret-key' }, config: { buckets: ['uploads'] } },
  gateway: { preset: 'openresty', ports: { http: 18080 }, config: { configDir: './infra/nginx' } },
};

describe("the daemon's older infrastructure blocks", () => {
  it('expand into the same services as the services form, at ecosystem level', async () => {
    const old = await load({ apps, infrastructure: legacy });
    const now = await load({ apps, infrastructure: { services: servicesForm } });
    expect(old.ecosystem!.services).toEqual(now.ecosystem!.services);
    expect(Object.keys(old.ecosystem!.services).sort()).toEqual(['gateway', 'minio', 'postgres', 'redis']);
    // The legacy port is where clients reach it: the host port, the image keeps its own.
    expect(old.ecosystem!.services.postgres).toMatchObject({ ports: { main: 5432 }, docker: { image: 'postgres:16-alpine', portMappings: { main: 15480 }, resources } });
  });

  it('and at stack level, resolving to the same stack model', async () => {
    const stacks = (infrastructure: object) => ({ apps, stacks: { dev: { type: 'local', infrastructure } } });
    const old = await load(stacks({ postgres: { port: 15480 }, redis: {} }));
    const oldModel = resolveStack(old.ecosystem!, 'dev').model!;
    const now = await load(stacks({ services: { postgres: { preset: 'postgres', ports: { main: 15480 } }, redis: { preset: 'redis' } } }));
    expect(oldModel.services).toEqual(resolveStack(now.ecosystem!, 'dev').model!.services);
    expect(oldModel.services.map((s) => s.name)).toEqual(['postgres', 'redis']);
  });

  it('what omnitron decides itself, or never provisions, is a warning naming the field', async () => {
    const { diagnostics } = await load({
      apps,
      infrastructure: {
        postgres: { password: 'hunter2', databases: { web: { migrate: true } }, config: { maxConnections: 500 } },
        redis: { password: 'x', databases: { cache: 2 } },
        containers: { mailhog: { image: 'mailhog/mailhog' } },
        tor: { hiddenServices: [] },
        services: { redis: { preset: 'redis' } },
      },
    });
    expect(diagnostics.map((d) => `${d.severity} ${d.path}: ${d.summary}`)).toEqual([
      'warning infrastructure.postgres.password: infrastructure.postgres.password is not used',
      'warning infrastructure.postgres.databases: infrastructure.postgres.databases is not used',
      'warning infrastructure.postgres.config: infrastructure.postgres.config is not used',
      'warning infrastructure.redis.password: infrastructure.redis.password is not used',
      'warning infrastructure.redis.databases: infrastructure.redis.databases is not used',
      'warning infrastructure.containers: infrastructure.containers is not provisioned',
      'warning infrastructure.tor: infrastructure.tor is not provisioned',
      'warning infrastructure.redis: infrastructure.redis is replaced by infrastructure.services.redis',
    ]);
    expect(JSON.stringify(diagnostics)).not.toContain('hunter2');
  });

  it('a bad value in an older block is an error naming its field', async () => {
    const { diagnostics, ecosystem } = await load({ apps, infrastructure: { postgres: { port: 99999 } } });
    expect(ecosystem).toBeUndefined();
    expect(diagnostics.map((d) => `${d.path}: ${d.summary}`)).toEqual(['infrastructure.postgres.port: invalid port 99999']);
  });
});
