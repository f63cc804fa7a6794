import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Config fixtures import from '@omnitron-dev/omnitron'; in Node the loader's resolve hook maps it, but
// vitest's module runner bypasses Node hooks. The longer specifier comes first (prefix matching).
const defineModule = fileURLToPath(new URL('./planner/config/define.ts', import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@omnitron-dev/omnitron/config': defineModule,
      '@omnitron-dev/omnitron': defineModule,
    },
  },
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{cli,providers,planner,runtime,contract}/**/*.test.{ts,tsx}', 'test/unit/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**', 'dist/**'],
        },
      },
      {
        test: {
          name: 'integration',
          globalSetup: ['test/support/reap-agent-apps.ts'],
          include: ['{cli,providers,planner,runtime,contract}/**/*.int.test.ts', 'test/e2e/**/*.test.ts', 'test/hostile/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
