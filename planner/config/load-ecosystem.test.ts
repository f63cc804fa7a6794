import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, type TempProject } from '../../test/config/make-project.js';
import { loadEcosystem, loadEcosystemFromObject } from './load-ecosystem.js';
import { LOGGING_DEFAULTS, MONITORING_DEFAULTS, SUPERVISION_DEFAULTS } from './runtime-settings.js';

const fixture = (rel: string) => fileURLToPath(new URL(`../../test/config/valid/${rel}`, import.meta.url));

let project: TempProject | undefined;
afterEach(() => project?.remove());

function load(config: object, files: Record<string, string | object> = {}, strict = false) {
  project = makeProject(files);
  return loadEcosystemFromObject(config, { file: project.file('omnitron.config.ts'), strict });
}

describe('loadEcosystem on the valid fixtures', () => {
  it('loads the seed five-app shape with the search service and its variants', async () => {
    const file = fixture('five-app/omnitron.config.ts');
    const { ecosystem, diagnostics } = await loadEcosystem({ file });
    // The seed watches every app for `omnitron dev`, which reads it.
    expect(diagnostics.map((d) => `${d.path ?? ''}: ${d.summary}`)).toEqual([]);
    expect(ecosystem!.project).toBe('platform');
    expect(ecosystem!.apps.map((a) => [a.name, a.dependsOn, a.critical, a.startupTimeout])).toEqual([
      ['auth', [], true, 30_000], ['media', ['auth'], false, 90_000], ['analytics', [], false, 30_000],
      ['ledger', ['auth'], false, 120_000], ['realtime', ['auth'], false, 30_000],
    ]);
    const media = ecosystem!.apps[1];
    expect(media.root).toBe(fixture('five-app/apps/media'));
    expect(media.requirements.configFile).toBe(fixture('five-app/apps/media/config/default.json'));
    expect(media.requirements.infrastructure.search).toMatchObject({
      networkMode: 'cluster', ports: { http: 9200, transport: 9300 },
      secrets: { search_api_key: { kind: 'generated', key: 'search_api_key' } },
      healthCheck: { type: 'command', interval: 30_000, timeout: 10_000, retries: 5, startPeriod: 60_000 },
      docker: { image: 'elasticsearch:8.11.0', resources: { memory: '1G' }, variants: { cluster: { resources: { memory: '4G', memoryReservation: '2G' } } } },
    });
    expect(ecosystem!.services.gateway).toMatchObject({ preset: 'openresty', presetConfig: { configDir: './infra/nginx' } });
    expect(ecosystem!.supervision).toEqual(SUPERVISION_DEFAULTS);
    expect(Object.keys(ecosystem!.stacks)).toEqual(['dev', 'test', 'prod']);
    expect(ecosystem!.stacks.prod.nodes).toEqual([{ name: 'prod-1', host: '10.0.0.5', role: 'app', label: 'prod-1', ssh: { user: 'root', port: 22, privateKey: fixture('five-app/keys/deploy') } }]);
  });

  it('loads a real-user file, warning about the keys it ignores (dev and watch are read by `omnitron dev`)', async () => {
    const { ecosystem, diagnostics } = await loadEcosystem({ file: fixture('real-user/omnitron.config.ts') });
    expect(diagnostics.map((d) => `${d.severity} ${d.path}`)).toEqual(['warning daemon', 'warning env', 'warning logging.directory']);
    expect(ecosystem!.apps[0].env).toEqual({ PORT: '3001', FEATURE_X: 'true' });
    expect(ecosystem!.apps[1].watch).toEqual({ directory: fixture('real-user/apps/storage/src'), debounce: 300 });
    expect(ecosystem!.services.postgres.docker!.portMappings).toEqual({ main: 5480 });
  });

  it('turns every unknown key into an error in strict mode', async () => {
    const { ecosystem, diagnostics } = await loadEcosystem({ file: fixture('real-user/omnitron.config.ts'), strict: true });
    expect(ecosystem).toBeUndefined();
    expect(diagnostics.every((d) => d.severity === 'error')).toBe(true);
  });
});

describe('loadEcosystemFromObject', () => {
  it('applies defaults to a minimal config', () => {
    const { ecosystem, diagnostics } = load({ apps: [{ name: 'api', script: './apps/api/dist/main.js' }] }, { 'apps/api/dist/main.js': '' });
    expect(diagnostics).toEqual([]);
    expect(ecosystem).toEqual({
      project: 'default', file: project!.file('omnitron.config.ts'), root: project!.dir,
      apps: [{
        name: 'api', index: 0, script: project!.file('apps/api/dist/main.js'), root: project!.file('apps/api'), cwd: project!.dir,
        dependsOn: [], critical: false, startupTimeout: 30_000, enabled: true, env: {}, instances: 1,
        requirements: { discovery: false, notifications: false, infrastructure: {} },
      }],
      services: {}, supervision: SUPERVISION_DEFAULTS, monitoring: MONITORING_DEFAULTS, logging: LOGGING_DEFAULTS,
      discovery: { redisPrefix: 'titan:discovery', heartbeatInterval: 5_000, heartbeatTTL: 15_000 }, stacks: {},
    });
  });

  it('resolves appRoot as dirname(bootstrap)/.. and reads its requirements', () => {
    const { ecosystem } = load(
      { apps: [{ name: 'auth', bootstrap: 'apps/auth/src/bootstrap.ts', cwd: './apps/auth', watch: { directory: './apps/auth', ignore: ['dist'], debounce: '1s' } }] },
      { 'apps/auth/config/default.json': { omnitron: { database: true } } },
    );
    const [auth] = ecosystem!.apps;
    expect(auth.bootstrap).toBe(project!.file('apps/auth/src/bootstrap.ts'));
    expect(auth.root).toBe(project!.file('apps/auth'));
    expect(auth.cwd).toBe(project!.file('apps/auth'));
    expect(auth.watch).toEqual({ directory: project!.file('apps/auth'), ignore: ['dist'], debounce: 1_000 });
    expect(auth.requirements.database).toEqual({ dialect: 'postgres' });
  });

  it('normalises stacks: nodes, settings, overrides', () => {
    const { ecosystem, diagnostics } = load({
      apps: [],
      infrastructure: { services: { cache: { preset: 'redis' } } },
      stacks: {
        prod: {
          type: 'cluster', apps: 'all',
          nodes: [{ host: 'db.internal', name: 'db', role: 'database', ssh: { user: 'deploy', port: 2222 }, hostKey: 'SHA256:auIVUi4eS/Bv3aa8VKwaca5C5m0/INEEBv+OywjRP1I', labels: { zone: 'a' } }],
          settings: { env: { LOG: 1 }, redisDbOffset: 15, containerPrefix: 'p' },
          serviceOverrides: { cache: { docker: { portMappings: { main: 16379 }, environment: { A: 1 } } } },
          deploy: { limit: 2, wait: '5s' },
          infrastructure: { services: { mq: { ports: { amqp: 5672 }, docker: { image: 'rabbitmq:3' } } } },
        },
      },
    });
    // containerPrefix is kept but unused (containers are named <project>-<stack>-<service>): a warning, not silence.
    expect(diagnostics.map((d) => `${d.severity} ${d.path}`)).toEqual(['warning stacks.prod.settings.containerPrefix']);
    expect(ecosystem!.stacks.prod).toEqual({
      name: 'prod', type: 'cluster', apps: 'all',
      nodes: [{ name: 'db', host: 'db.internal', role: 'database', ssh: { user: 'deploy', port: 2222 }, hostKey: 'SHA256:auIVUi4eS/Bv3aa8VKwaca5C5m0/INEEBv+OywjRP1I', labels: { zone: 'a' } }],
      settings: { env: { LOG: '1' }, redisDbOffset: 15, containerPrefix: 'p' },
      serviceOverrides: { cache: { docker: { portMappings: { main: 16379 }, environment: { A: '1' } } } },
      services: { mq: expect.objectContaining({ ports: { amqp: 5672 } }) },
      deploy: { limit: 2, wait: 5_000 },
    });
  });

  it('returns no ecosystem when there are errors, and skips cross-checks until the shape is right', () => {
    const { ecosystem, diagnostics } = load({ apps: [{ name: 'a', bootstrap: './a/src/b.js', dependsOn: ['ghost'] }, { name: 'b' }] }, { 'a/src/b.js': '' });
    expect(ecosystem).toBeUndefined();
    expect(diagnostics.map((d) => d.summary)).toEqual(['neither bootstrap nor script is set']);
  });

  it('rejects an export that is not an object', () => {
    for (const raw of [42, null, [], 'x']) {
      const { diagnostics } = load(raw as object);
      expect(diagnostics[0].summary).toMatch(/^the config exports .*, not an ecosystem$/);
    }
  });

  it('reads where state lives, for the ecosystem and per stack', () => {
    const { ecosystem, diagnostics } = load({
      apps: [],
      state: { backend: 'postgres', url: 'postgres://ops:pw@db.internal:5432/state' },
      stacks: { dev: { type: 'local', state: { backend: 'file' } }, prod: { type: 'local', state: { backend: 'postgres', url: 'postgres://ops:pw@db/prod', schema: 'shop' } } },
    });
    expect(diagnostics).toEqual([]);
    expect(ecosystem!.state).toEqual({ backend: 'postgres', url: 'postgres://ops:pw@db.internal:5432/state' });
    expect(ecosystem!.stacks.dev.state).toEqual({ backend: 'file' });
    expect(ecosystem!.stacks.prod.state).toEqual({ backend: 'postgres', url: 'postgres://ops:pw@db/prod', schema: 'shop' });
  });

  it('validates the project name', () => {
    expect(load({ project: 'my project', apps: [] }).diagnostics[0]).toMatchObject({ path: 'project', summary: 'invalid project name "my project"' });
  });
});
