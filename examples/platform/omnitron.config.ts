// The five-app fan-out from the production guide: auth owns identity, four specialists depend on it.
// Postgres and Redis are provisioned from the apps' config/default.json requirements.
import { defineEcosystem } from '@omnitron-dev/omnitron';

// Production nodes are named here; where they are comes from the environment, so the same file
// drives real servers and the end-to-end test bed (PLATFORM_<NODE>_HOST, _SSH_PORT, _ADDRESS).
const env = process.env;
function node(name: string, role: 'database' | 'cache' | 'app') {
  const key = name.toUpperCase();
  return {
    name,
    role,
    host: env[`PLATFORM_${key}_HOST`] ?? `${name}.platform.internal`,
    ...(env[`PLATFORM_${key}_ADDRESS`] ? { address: env[`PLATFORM_${key}_ADDRESS`] } : {}),
    ...(env.PLATFORM_HOST_KEY_PIN && env[`PLATFORM_${key}_HOST_KEY`] ? { hostKey: env[`PLATFORM_${key}_HOST_KEY`] } : {}),
    ssh: {
      user: env.PLATFORM_SSH_USER ?? 'root',
      port: Number(env[`PLATFORM_${key}_SSH_PORT`] ?? 22),
      ...(env.PLATFORM_SSH_KEY ? { privateKey: env.PLATFORM_SSH_KEY } : {}),
    },
  };
}

export default defineEcosystem({
  project: 'platform',
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js', critical: true, env: { PORT: '3101' } },
    { name: 'media', bootstrap: './apps/media/dist/bootstrap.js', dependsOn: ['auth'], startupTimeout: 90_000, env: { PORT: '3102' } },
    { name: 'analytics', bootstrap: './apps/analytics/dist/bootstrap.js', env: { PORT: '3103' } },
    { name: 'ledger', bootstrap: './apps/ledger/dist/bootstrap.js', dependsOn: ['auth'], startupTimeout: 120_000, env: { PORT: '3104' } },
    { name: 'realtime', bootstrap: './apps/realtime/dist/bootstrap.js', dependsOn: ['auth'], env: { PORT: '3105' } },
  ],
  supervision: {
    strategy: 'one_for_one',
    maxRestarts: 5,
    window: 60_000,
    backoff: { type: 'exponential', initial: 1_000, max: 30_000, factor: 2 },
  },
  monitoring: { healthCheck: { interval: 15_000, timeout: 5_000 }, metrics: { interval: 5_000, retention: 3_600 } },
  logging: { level: 'info', maxSize: '50mb', maxFiles: 10, compress: true },
  stacks: {
    // Everything on this machine: infrastructure in Docker, ports on 127.0.0.1.
    // No registry is reachable here, so the presets point at images `npm run demo` builds locally.
    dev: {
      type: 'local',
      settings: { env: { LOG_LEVEL: 'debug' } },
      serviceOverrides: {
        postgres: { docker: { image: 'omnitron-local/postgres:15', portMappings: { main: 15432 } } },
        redis: { docker: { image: 'omnitron-local/redis:7', portMappings: { main: 16379 } } },
        'realtime/pubsub': { docker: { image: 'omnitron-local/redis:7' } },
        // media's bucket: an S3-compatible server built locally in place of minio/minio.
        minio: { docker: { image: 'omnitron-local/s3rver:3', portMappings: { api: 19000, console: 19001 } } },
      },
    },
    // Three bare-metal nodes over SSH: Postgres on db, Redis (and realtime's pubsub) on cache, the apps on app.
    production: {
      type: 'cluster',
      nodes: [node('db', 'database'), node('cache', 'cache'), node('app', 'app')],
      settings: { env: { LOG_LEVEL: 'info' } },
      // MinIO is not a Debian package: on nodes it needs bareMetal.installCommand or an external server.
      // Until one is given here, media runs without its bucket on this stack.
      serviceOverrides: { minio: { disabled: true } },
    },
  },
});
