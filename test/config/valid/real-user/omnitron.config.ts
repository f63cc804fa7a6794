/**
 * Omnitron ecosystem configuration (as `omnitron init` writes it, then grown by hand).
 */
import { defineEcosystem } from '@omnitron-dev/omnitron';
import type { IEcosystemConfig } from '@omnitron-dev/omnitron';

const isProd: boolean = process.env.NODE_ENV === 'production';

const config: IEcosystemConfig = defineEcosystem({
  project: 'omni',
  apps: [
    {
      name: 'main',
      bootstrap: './apps/main/src/bootstrap.ts',
      critical: true,
      env: { PORT: 3001, FEATURE_X: true },
      dev: { logLevel: 'debug', sourceMaps: true },
    },
    {
      name: 'storage',
      bootstrap: './apps/storage/src/bootstrap.ts',
      dependsOn: ['main'],
      instances: isProd ? 2 : 1,
      watch: './apps/storage/src',
    },
  ],
  infrastructure: {
    services: {
      postgres: { preset: 'postgres', ports: { main: 5480 }, secrets: { password: { secret: 'pg_password' } } },
    },
  },
  daemon: { port: 9700, host: '127.0.0.1' },
  env: { NODE_ENV: 'development' },
  logging: { level: 'info', directory: '~/.omnitron/logs' },
});

export default config;
