import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostics.js';
import { ROOT, app, ecosystem, stack } from '../../test/config/make-ecosystem.js';
import type { ServiceRequirement } from './model.js';
import { presetRequirement } from './presets.js';
import { autoServiceNames, validateEcosystem } from './validate-ecosystem.js';

const svc = (extra: Partial<ServiceRequirement> = {}): ServiceRequirement => ({
  ports: { http: 9200 }, env: {}, secrets: {}, startupTimeout: 120_000, dependsOn: [], critical: true, ...extra,
});
const render = (e: ReturnType<typeof ecosystem>) => validateEcosystem(e).map((d) => formatDiagnostic(d).replaceAll(ROOT, '<root>'));

describe('validateEcosystem: apps', () => {
  it('accepts a consistent ecosystem', () => {
    expect(validateEcosystem(ecosystem({ apps: [app('auth', 0), app('media', 1, { dependsOn: ['auth'] })] }))).toEqual([]);
  });

  it('names unknown dependsOn targets with a suggestion', () => {
    const e = ecosystem({ apps: [app('auth', 0), app('media', 1), app('ledger', 2, { dependsOn: ['auht'] })] });
    expect(validateEcosystem(e)).toEqual([{
      severity: 'error', summary: 'unknown app "auht" (did you mean "auth"?)', path: 'apps[2].dependsOn[0]', file: e.file,
      detail: 'dependsOn names apps of this config: "auth", "media" and "ledger"',
    }]);
  });

  it('prints dependency cycles as a path', () => {
    const e = ecosystem({ apps: [app('auth', 0, { dependsOn: ['media'] }), app('media', 1, { dependsOn: ['auth'] }), app('x', 2, { dependsOn: ['x'] })] });
    expect(validateEcosystem(e).map((d) => `${d.path}: ${d.summary}`)).toEqual(['apps[0].dependsOn: dependency cycle: auth → media → auth']);
  });

  it('reports duplicate names at the later entry', () => {
    expect(render(ecosystem({ apps: [app('auth', 0), app('auth', 1)] }))).toEqual([
      'Error: <root>/omnitron.config.ts: apps[1].name: duplicate app name "auth" (also apps[0])\n  app names must be unique; rename one',
    ]);
  });
});

describe('validateEcosystem: services', () => {
  it('knows auto-provisioned services from app requirements', () => {
    expect(autoServiceNames({ apps: [app('a', 0, { requirements: { database: { dialect: 'postgres' } } }), app('b', 1, { requirements: { notifications: true } })] })).toEqual(['postgres', 'redis']);
    expect(autoServiceNames({ apps: [app('a', 0)] })).toEqual([]);
  });

  it('checks service dependsOn across scopes, pointing into the declaring file', () => {
    const media = app('media', 0, { requirements: { database: { dialect: 'postgres' }, infrastructure: { search: svc({ dependsOn: ['postgres', 'queue', 'serach'] }) } } });
    const e = ecosystem({ apps: [media], stacks: { dev: stack('dev', { services: { queue: svc() } }) } });
    expect(validateEcosystem(e)).toEqual([expect.objectContaining({
      summary: 'unknown service "serach" (did you mean "search"?)', file: media.requirements.configFile, path: 'omnitron.infrastructure.search.dependsOn[2]',
    })]);
  });

  it('finds service cycles', () => {
    const e = ecosystem({ services: { a: svc({ dependsOn: ['b'] }), b: svc({ dependsOn: ['a'] }) } });
    expect(validateEcosystem(e).map((d) => `${d.path}: ${d.summary}`)).toEqual(['infrastructure.services.a.dependsOn: service dependency cycle: a → b → a']);
  });
});

describe('validateEcosystem: stacks', () => {
  const apps = [app('auth', 0, { requirements: { database: { dialect: 'postgres' } } }), app('media', 1, { requirements: { infrastructure: { search: svc() } } }), app('old', 2, { enabled: false })];

  it('checks stack and node app lists', () => {
    const e = ecosystem({ apps, stacks: { prod: stack('prod', { type: 'remote', apps: ['auth', 'medai', 'old'], nodes: [{ name: 'n', host: 'h', role: 'app', apps: ['auht'], ssh: { user: 'root', port: 22 } }] }) } });
    expect(validateEcosystem(e).map((d) => `${d.severity} ${d.path}: ${d.summary}`)).toEqual([
      'error stacks.prod.apps[1]: unknown app "medai" (did you mean "media"?)',
      'warning stacks.prod.apps[2]: app "old" is disabled (enabled: false); stack "prod" will not run it',
      'error stacks.prod.nodes[0].apps[0]: unknown app "auht" (did you mean "auth"?)',
    ]);
  });

  it('checks override keys and the ports they name', () => {
    const e = ecosystem({
      apps, services: { gateway: { ...svc({ ports: { http: 8080 } }), preset: 'openresty' } },
      stacks: {
        dev: stack('dev', {
          serviceOverrides: {
            postgres: { docker: { portMappings: { main: 15432 } } },
            'media/search': { external: { host: 'es', ports: { htp: 443 } } },
            gateway: { docker: { portMappings: { http: 8081 } } },
            serach: { disabled: true },
            'auth/search': { disabled: true },
            'a/b/c': {},
          },
        }),
      },
    });
    expect(validateEcosystem(e).map((d) => `${d.path}: ${d.summary}`)).toEqual([
      'stacks.dev.serviceOverrides["media/search"].external.ports.htp: unknown port "htp" (did you mean "http"?)',
      'stacks.dev.serviceOverrides.serach: unknown service "serach" (did you mean "search"?)',
      'stacks.dev.serviceOverrides["auth/search"]: app "auth" declares no service "search"',
      'stacks.dev.serviceOverrides["a/b/c"]: invalid override key',
    ]);
  });

  it('sees stack-level services only in their own stack', () => {
    const e = ecosystem({ stacks: { a: stack('a', { services: { mq: svc() } }), b: stack('b', { serviceOverrides: { mq: { disabled: true } } }) } });
    expect(validateEcosystem(e).map((d) => `${d.path}: ${d.summary}`)).toEqual(['stacks.b.serviceOverrides.mq: unknown service "mq"']);
  });

  it('uses preset ports for auto-provisioned services', () => {
    const e = ecosystem({ apps, stacks: { dev: stack('dev', { serviceOverrides: { postgres: { docker: { portMappings: { mian: 1 } } } } }) } });
    expect(presetRequirement('postgres').ports).toEqual({ main: 5432 });
    expect(validateEcosystem(e)[0].summary).toBe('unknown port "mian" (did you mean "main"?)');
  });
});
