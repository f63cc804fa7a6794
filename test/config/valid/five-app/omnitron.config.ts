import { defineEcosystem } from '@omnitron-dev/omnitron/config';

// The seed's five-app fan-out (production-best-practices), plus stacks.
export default defineEcosystem({
  project: 'platform',
  infrastructure: {
    services: {
      gateway: { preset: 'openresty', config: { configDir: './infra/nginx' } },
    },
    // postgres / redis / minio are auto-provisioned from app requirements
  },
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js', critical: true,
      watch: { directory: './apps/auth' } },
    { name: 'media', bootstrap: './apps/media/dist/bootstrap.js', dependsOn: ['auth'],
      startupTimeout: 90_000, watch: { directory: './apps/media' } },
    { name: 'analytics', bootstrap: './apps/analytics/dist/bootstrap.js',
      watch: { directory: './apps/analytics' } },
    { name: 'ledger', bootstrap: './apps/ledger/dist/bootstrap.js', dependsOn: ['auth'],
      startupTimeout: 120_000, watch: { directory: './apps/ledger' } },
    { name: 'realtime', bootstrap: './apps/realtime/dist/bootstrap.js', dependsOn: ['auth'],
      watch: { directory: './apps/realtime' } },
  ],
  supervision: {
    strategy: 'one_for_one',
    maxRestarts: 5,
    window: 60_000,
    backoff: { type: 'exponential', initial: 1_000, max: 30_000, factor: 2 },
  },
  monitoring: { healthCheck: { interval: 15_000, timeout: 5_000 },
    metrics: { interval: 5_000, retention: 3_600 } },
  logging: { level: 'info', maxSize: '50mb', maxFiles: 10, compress: true },
  stacks: {
    dev: { type: 'local' },
    test: {
      type: 'local',
      apps: ['auth', 'media'],
      settings: { env: { LOG_LEVEL: 'debug' }, redisDbOffset: 5 },
      serviceOverrides: {
        'media/search': { docker: { image: 'elasticsearch:8.12.0', portMappings: { http: 19200 } } },
        redis: { docker: { portMappings: { main: 16379 } } },
      },
    },
    prod: {
      type: 'remote',
      nodes: [{ host: '10.0.0.5', label: 'prod-1', ssh: { privateKey: './keys/deploy' } }],
      serviceOverrides: {
        search: { external: { host: 'search.internal', ports: { http: 443 } } },
        postgres: { disabled: true },
      },
    },
  },
});
