import { describe, expect, it } from 'vitest';
import type { AppSpec, StackModel } from './model.js';
import { withDevSettings } from './dev-settings.js';

const app = (over: Partial<AppSpec>): AppSpec => ({
  name: 'a', index: 0, script: '/p/a/main.js', root: '/p/a', cwd: '/p', dependsOn: [], critical: false, startupTimeout: 30_000,
  enabled: true, env: {}, instances: 1, requirements: {} as AppSpec['requirements'], ...over,
});

describe('omnitron dev settings', () => {
  it('sets LOG_LEVEL, merges env over the app\'s and adds --enable-source-maps to NODE_OPTIONS once', () => {
    const model = { apps: [
      app({ env: { LOG_LEVEL: 'warn', A: '1', NODE_OPTIONS: '--max-old-space-size=512' }, dev: { logLevel: 'debug', env: { A: '2', B: '3' }, sourceMaps: true } }),
      app({ name: 'b', env: { NODE_OPTIONS: '--enable-source-maps' }, dev: { env: {}, sourceMaps: true } }),
      app({ name: 'c', env: { X: '1' } }),
    ] } as StackModel;
    const [a, b, c] = withDevSettings(model).apps;
    expect(a.env).toEqual({ LOG_LEVEL: 'debug', A: '2', B: '3', NODE_OPTIONS: '--max-old-space-size=512 --enable-source-maps' });
    expect(b.env).toEqual({ NODE_OPTIONS: '--enable-source-maps' });
    expect(c).toBe(model.apps[2]);
    expect(model.apps[0].env.A).toBe('1');
  });
});
