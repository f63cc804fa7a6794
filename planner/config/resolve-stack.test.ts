import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadEcosystem } from './load-ecosystem.js';
import { app, ecosystem, stack } from '../../test/config/make-ecosystem.js';
import type { ServiceRequirement } from './model.js';
import { DOCKER_DEFAULTS } from './normalize-docker.js';
import { presetRequirement } from './presets.js';
import { implicitStack, resolveStack } from './resolve-stack.js';

const pg = { database: { dialect: 'postgres' as const } };
const search = (extra: Partial<ServiceRequirement> = {}): ServiceRequirement => ({
  ports: { http: 9200, transport: 9300 }, env: { SEARCH_URL: 'http://${host}:${port:http}' }, secrets: {}, startupTimeout: 120_000, dependsOn: [], critical: true,
  networkMode: 'cluster',
  docker: {
    image: 'elasticsearch:8.11.0', environment: { 'discovery.type': 'single-node' }, volumes: {}, portMappings: { http: 9201 },
    resources: { memory: '1G' }, labels: {}, extraHosts: [], ...DOCKER_DEFAULTS,
    variants: { cluster: { environment: { 'cluster.name': 'p' }, portMappings: { http: 9202 }, resources: { memory: '4G' } } },
  },
  ...extra,
});
const names = (r: ReturnType<typeof resolveStack>) => r.model!.services.map((s) => s.name);

describe('resolveStack: choosing the stack', () => {
  const two = ecosystem({ stacks: { dev: stack('dev'), prod: stack('prod', { type: 'remote' }) } });

  it('takes the named stack, else dev, else the only one', () => {
    expect(resolveStack(two, 'prod').model!.stack.name).toBe('prod');
    expect(resolveStack(two).model!.stack.name).toBe('dev');
    expect(resolveStack(ecosystem({ stacks: { staging: stack('staging') } })).model!.stack.name).toBe('staging');
  });

  it('uses an implicit local dev stack when none are configured', () => {
    expect(resolveStack(ecosystem()).model!.stack).toEqual(implicitStack());
    expect(resolveStack(ecosystem(), 'dev').model!.stack).toEqual({ name: 'dev', type: 'local', nodes: [], services: {}, settings: { env: {} }, apps: 'all', serviceOverrides: {}, deploy: { limit: 1, wait: 0 } });
    expect(resolveStack(ecosystem(), 'prod').diagnostics[0].summary).toBe('unknown stack "prod"');
  });

  it('names an unknown stack with a suggestion and the list', () => {
    expect(resolveStack(two, 'prdo').diagnostics).toEqual([expect.objectContaining({ severity: 'error', summary: 'unknown stack "prdo" (did you mean "prod"?)', detail: 'stacks are "dev" and "prod"' })]);
  });

  it('asks for --stack when several exist and none is dev', () => {
    const r = resolveStack(ecosystem({ stacks: { a: stack('a'), b: stack('b') } }));
    expect(r.model).toBeUndefined();
    expect(r.diagnostics[0].summary).toBe('several stacks and none named "dev"; choose one with --stack');
  });
});

describe('resolveStack: apps', () => {
  const apps = [app('auth', 0), app('media', 1, { dependsOn: ['auth'] }), app('old', 2, { enabled: false }), app('ledger', 3)];

  it('selects enabled apps in config order, filtered by the stack', () => {
    expect(resolveStack(ecosystem({ apps })).model!.apps.map((a) => a.name)).toEqual(['auth', 'media', 'ledger']);
    const e = ecosystem({ apps, stacks: { t: stack('t', { apps: ['ledger', 'auth'] }) } });
    expect(resolveStack(e).model!.apps.map((a) => a.name)).toEqual(['auth', 'ledger']);
  });

  it('rejects a selected app whose dependency the stack does not run', () => {
    const e = ecosystem({ apps, stacks: { t: stack('t', { apps: ['media'] }) } });
    expect(resolveStack(e).diagnostics).toEqual([expect.objectContaining({
      severity: 'error', path: 'apps[1].dependsOn[0]', summary: 'app "media" depends on "auth", which stack "t" does not run',
      detail: 'add "auth" to stacks.t.apps, or remove the dependency',
    })]);
  });
});

describe('resolveStack: services', () => {
  it('auto-provisions postgres and redis from the selected apps only', () => {
    const apps = [app('auth', 0, { requirements: pg }), app('rt', 1, { requirements: { discovery: true } })];
    const all = resolveStack(ecosystem({ apps }));
    expect(all.model!.services).toEqual([
      { name: 'postgres', declaredBy: [], requirement: presetRequirement('postgres'), docker: (({ variants, ...d }) => d)(presetRequirement('postgres').docker!), endpointPorts: { main: 5432 } },
      expect.objectContaining({ name: 'redis', requirement: expect.objectContaining({ preset: 'redis' }), endpointPorts: { main: 6379 } }),
    ]);
    const authOnly = resolveStack(ecosystem({ apps, stacks: { t: stack('t', { apps: ['auth'] }) } }));
    expect(names(authOnly)).toEqual(['postgres']);
  });

  it('lets an explicit declaration with the preset name win', () => {
    const apps = [app('auth', 0, { requirements: { ...pg, redis: {} } })];
    const e = ecosystem({ apps, services: { postgres: search({ ports: { main: 5432 }, docker: undefined }) }, stacks: { dev: stack('dev', { services: { redis: { ...presetRequirement('redis'), startupTimeout: 5 } } }) } });
    const r = resolveStack(e).model!;
    expect(r.services.find((s) => s.name === 'postgres')!.requirement.preset).toBeUndefined();
    expect(r.services.find((s) => s.name === 'redis')!.requirement.startupTimeout).toBe(5);
  });

  it('orders postgres, redis, then the rest by name, and drops planned-later presets', () => {
    const apps = [app('a', 0, { requirements: { ...pg, redis: {}, infrastructure: { zeta: search(), alpha: search() } } })];
    const e = ecosystem({ apps, services: { gateway: { ...search({ docker: undefined }), preset: 'openresty' }, mq: search() } });
    expect(names(resolveStack(e))).toEqual(['postgres', 'redis', 'alpha', 'mq', 'zeta']);
  });

  it('shares one service among the apps declaring it, warning when they disagree', () => {
    const apps = [app('media', 0, { requirements: { infrastructure: { search: search() } } }), app('ledger', 1, { requirements: { infrastructure: { search: search({ startupTimeout: 1 }) } } })];
    const r = resolveStack(ecosystem({ apps }));
    expect(r.model!.services.map((s) => [s.name, s.declaredBy, s.requirement.startupTimeout])).toEqual([['search', ['media', 'ledger'], 120_000]]);
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', file: apps[1].requirements.configFile, path: 'omnitron.infrastructure.search' })]);
  });

  it('applies the networkMode variant; endpoint ports come from the effective mapping', () => {
    const r = resolveStack(ecosystem({ apps: [app('media', 0, { requirements: { infrastructure: { search: search() } } })] })).model!;
    const [s] = r.services;
    expect(s.docker).toMatchObject({ environment: { 'discovery.type': 'single-node', 'cluster.name': 'p' }, portMappings: { http: 9202 }, resources: { memory: '4G' } });
    expect(s.docker).not.toHaveProperty('variants');
    expect(s.endpointPorts).toEqual({ http: 9202, transport: 9300 });
    expect(s.requirement.docker!.portMappings).toEqual({ http: 9201 });
  });

  it('applies overrides after the variant; app/svc wins over svc', () => {
    const apps = [app('media', 0, { requirements: { infrastructure: { search: search() } } })];
    const e = ecosystem({ apps, stacks: { dev: stack('dev', { serviceOverrides: {
      search: { docker: { image: 'ignored:1' } },
      'media/search': { docker: { image: 'elasticsearch:8.12.0', portMappings: { transport: 19300 }, environment: { X: '1' } } },
    } }) } });
    const [s] = resolveStack(e).model!.services;
    expect(s.docker).toMatchObject({ image: 'elasticsearch:8.12.0', portMappings: { http: 9202, transport: 19300 }, environment: { 'discovery.type': 'single-node', 'cluster.name': 'p', X: '1' } });
    expect(s.endpointPorts).toEqual({ http: 9202, transport: 19300 });
  });

  it('points external overrides elsewhere and removes disabled services', () => {
    const apps = [app('auth', 0, { requirements: { ...pg, redis: {} } }), app('media', 1, { requirements: { infrastructure: { search: search({ dependsOn: ['postgres'] }) } } })];
    const e = ecosystem({ apps, stacks: { prod: stack('prod', { serviceOverrides: {
      search: { external: { host: 'search.internal', ports: { http: 443 } } }, postgres: { disabled: true },
    } }) } });
    const r = resolveStack(e);
    expect(names(r)).toEqual(['redis', 'search']);
    const s = r.model!.services[1];
    expect(s).toMatchObject({ external: { host: 'search.internal', ports: { http: 443 }, secrets: {} }, endpointPorts: { http: 443, transport: 9300 } });
    expect(s.docker).toBeUndefined();
    expect(s.requirement.dependsOn).toEqual([]);
    expect(r.diagnostics.map((d) => d.summary)).toEqual(['service "search" depends on "postgres", which stack "prod" does not run; the dependency is dropped']);
  });

  it('provisions minio when an app asks for s3, and warns when a local service has nothing to run', () => {
    const apps = [app('media', 0, { requirements: { s3: { bucket: 'uploads' }, infrastructure: { ext: search({ docker: undefined }) } } })];
    const r = resolveStack(ecosystem({ apps }));
    expect(r.model!.services.map((s) => [s.name, s.requirement.preset])).toEqual([['ext', undefined], ['minio', 'minio']]);
    expect(r.model!.services[0]).toMatchObject({ name: 'ext', endpointPorts: { http: 9200, transport: 9300 } });
    expect(r.diagnostics.map((d) => `${d.severity}: ${d.summary}`)).toEqual([
      'warning: service "ext" has no docker block and no external override; omnitron will not run it on local stack "dev"',
    ]);
  });

  it('refuses a bucket name S3 would refuse, naming the app\'s field', () => {
    const apps = [app('Media_App', 0, { requirements: { s3: {} } }), app('b', 1, { requirements: { s3: { bucket: 'x' } } })];
    expect(resolveStack(ecosystem({ apps })).diagnostics.map((d) => `${d.path}: ${d.summary}`)).toEqual([
      'omnitron.s3: app name "Media_App" as bucket name "media_app" is not a valid S3 bucket name',
      'omnitron.s3.bucket: bucket name "x" is not a valid S3 bucket name',
    ]);
  });

  it('carries the ecosystem-wide settings into the model', () => {
    const e = ecosystem({ apps: [app('a', 0)] });
    const m = resolveStack(e).model!;
    expect(m).toMatchObject({ project: 'platform', root: e.root, file: e.file, supervision: e.supervision, monitoring: e.monitoring, logging: e.logging });
  });
});

describe('resolveStack on the five-app fixture', () => {
  const file = fileURLToPath(new URL('../../test/config/valid/five-app/omnitron.config.ts', import.meta.url));
  const summary = (r: ReturnType<typeof resolveStack>) => r.model!.services.map((s) => ({ name: s.name, by: s.declaredBy, image: s.docker?.image, external: s.external?.host, ports: s.endpointPorts }));

  it('dev: postgres and redis from requirements, search from media with its cluster variant, no gateway', async () => {
    const { ecosystem } = await loadEcosystem({ file });
    const r = resolveStack(ecosystem!);
    expect(r.diagnostics).toEqual([]);
    expect(r.model!.apps.map((a) => a.name)).toEqual(['auth', 'media', 'analytics', 'ledger', 'realtime']);
    expect(summary(r)).toEqual([
      { name: 'postgres', by: [], image: 'postgres:17-alpine', external: undefined, ports: { main: 5432 } },
      { name: 'redis', by: [], image: 'redis:7-alpine', external: undefined, ports: { main: 6379 } },
      { name: 'search', by: ['media'], image: 'elasticsearch:8.11.0', external: undefined, ports: { http: 9202, transport: 9300 } },
    ]);
  });

  it('test: two apps, overridden image and host ports', async () => {
    const { ecosystem } = await loadEcosystem({ file });
    const r = resolveStack(ecosystem!, 'test');
    expect(r.model!.apps.map((a) => a.name)).toEqual(['auth', 'media']);
    expect(r.model!.stack.settings).toEqual({ env: { LOG_LEVEL: 'debug' }, redisDbOffset: 5 });
    expect(summary(r).slice(1)).toEqual([
      { name: 'redis', by: [], image: 'redis:7-alpine', external: undefined, ports: { main: 16379 } },
      { name: 'search', by: ['media'], image: 'elasticsearch:8.12.0', external: undefined, ports: { http: 19200, transport: 9300 } },
    ]);
  });

  it('prod: postgres disabled, search external; on nodes no docker block (nor its host ports) applies', async () => {
    const { ecosystem } = await loadEcosystem({ file });
    const r = resolveStack(ecosystem!, 'prod');
    expect(r.model!.stack.type).toBe('remote');
    expect(summary(r)).toEqual([
      { name: 'redis', by: [], image: undefined, external: undefined, ports: { main: 6379 } },
      { name: 'search', by: ['media'], image: undefined, external: 'search.internal', ports: { http: 443, transport: 9300 } },
    ]);
  });
});
