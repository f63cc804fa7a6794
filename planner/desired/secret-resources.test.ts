import { describe, expect, it } from 'vitest';
import { app, ecosystem, stack } from '../../test/config/make-ecosystem.js';
import type { ServiceRequirement } from '../config/model.js';
import { resolveStack } from '../config/resolve-stack.js';
import { secretResources } from './secret-resources.js';

const pg = { database: { dialect: 'postgres' as const } };
const search: ServiceRequirement = {
  ports: { http: 9200 }, env: { SEARCH_KEY: '${secret:search_api_key}' }, secrets: { apiKey: { kind: 'generated', key: 'search_api_key' } },
  startupTimeout: 120_000, dependsOn: [], critical: true, networkMode: 'cluster',
};
const apps = [app('auth', 0, { requirements: { ...pg, redis: {} } }), app('media', 1, { requirements: { infrastructure: { search } } }), app('ledger', 2, { requirements: { infrastructure: { search } } })];
const addresses = (overrides = {}) => secretResources(resolveStack(ecosystem({ apps, stacks: { dev: stack('dev', { serviceOverrides: overrides }) } })).model!).map((r) => r.address);

describe('secretResources', () => {
  it('generates the apps\' JWT secret and each service\'s secrets once, sorted, as 40-character random passwords', () => {
    const secrets = secretResources(resolveStack(ecosystem({ apps, stacks: { dev: stack('dev') } })).model!);
    expect(secrets.map((r) => r.address)).toEqual(['random_password.jwt_secret', 'random_password.postgres_superuser', 'random_password.redis_password', 'random_password.search_api_key']);
    for (const r of secrets) expect(r).toMatchObject({ type: 'random_password', attributes: { length: 40, special: false }, dependsOn: [], sensitive: [] });
  });

  it('leaves out what omnitron does not generate for an external server: its preset password, and secrets the override gives', () => {
    const jwt = 'random_password.jwt_secret';
    expect(addresses({ postgres: { external: { host: 'db.internal', ports: { main: 5432 } } } })).toEqual([jwt, 'random_password.redis_password', 'random_password.search_api_key']);
    expect(addresses({ search: { external: { host: 'search.internal', ports: { http: 443 }, secrets: { search_api_key: 'given' } } } })).toEqual([jwt, 'random_password.postgres_superuser', 'random_password.redis_password']);
    expect(addresses({ search: { external: { host: 'search.internal', ports: { http: 443 } } } })).toContain('random_password.search_api_key');
  });

  it('has no JWT secret without apps', () => {
    expect(secretResources(resolveStack(ecosystem({ stacks: { dev: stack('dev') } })).model!)).toEqual([]);
  });
});
