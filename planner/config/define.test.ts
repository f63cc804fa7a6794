import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineEcosystem, defineSystem, type EcosystemConfig, type SystemDefinition } from './define.js';

describe('defineEcosystem / defineSystem', () => {
  it('return their argument unchanged', () => {
    const eco = { project: 'p', apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }] };
    expect(defineEcosystem(eco)).toBe(eco);
    const system = { name: 'media', processes: [{ name: 'http', module: './app.module.js' }] };
    expect(defineSystem(system)).toBe(system);
  });

  it('accept the keys real configs carry (type check)', () => {
    const eco = defineEcosystem({
      project: 'platform',
      apps: [{ name: 'auth', bootstrap: './a.js', critical: true, watch: { directory: './apps/auth' }, dev: { logLevel: 'debug' } }],
      infrastructure: { services: { gateway: { preset: 'openresty', config: { configDir: './infra/nginx' } } } },
      logging: { level: 'info', maxSize: '50mb', maxFiles: 10, compress: true, directory: '~/.omnitron/logs' },
      daemon: { port: 9700 },
      stacks: { prod: { type: 'remote', nodes: [{ host: '10.0.0.5', ssh: { user: 'deploy' } }], state: { backend: 'postgres', url: 'postgres://ops@db/state', schema: 'shop' } } },
      state: { backend: 'file' },
    });
    expectTypeOf(eco).toEqualTypeOf<EcosystemConfig>();
    const system = defineSystem({
      name: 'media', version: '1.0.0',
      processes: [{ name: 'http', module: './app.module.js', transports: { http: { port: 3002 } }, customRoutes: [] }],
      hooks: { afterCreate: async (app) => { await app.container.resolveAsync('x'); } },
    });
    expectTypeOf(system).toEqualTypeOf<SystemDefinition>();
  });

  it('rejects a postgres state without a url at compile time', () => {
    // @ts-expect-error: the postgres backend needs a url
    defineEcosystem({ apps: [], state: { backend: 'postgres' } });
  });

  it('rejects a misspelled key at compile time', () => {
    // @ts-expect-error: dependOn is not a key of AppEntry
    defineEcosystem({ apps: [{ name: 'a', bootstrap: './a.js', dependOn: ['b'] }] });
  });
});
