/** Test support: Ecosystem values built in code, with the loader's defaults, for pure tests. */
import type { AppRequirements, AppSpec, Ecosystem, StackSpec } from '../../planner/config/model.js';
import { LOGGING_DEFAULTS, MONITORING_DEFAULTS, SUPERVISION_DEFAULTS } from '../../planner/config/runtime-settings.js';
import { DISCOVERY_SETTINGS_DEFAULTS } from '../../planner/config/discovery-settings.js';

export const ROOT = '/srv/platform';

export function app(name: string, index: number, extra: Partial<Omit<AppSpec, 'requirements'>> & { requirements?: Partial<AppRequirements> } = {}): AppSpec {
  const { requirements, ...rest } = extra;
  return {
    name, index, bootstrap: `${ROOT}/apps/${name}/dist/bootstrap.js`, root: `${ROOT}/apps/${name}`, cwd: ROOT,
    dependsOn: [], critical: false, startupTimeout: 30_000, enabled: true, env: {}, instances: 1,
    requirements: { discovery: false, notifications: false, infrastructure: {}, configFile: `${ROOT}/apps/${name}/config/default.json`, ...requirements },
    ...rest,
  };
}

export function stack(name: string, extra: Partial<StackSpec> = {}): StackSpec {
  return { name, type: 'local', nodes: [], services: {}, settings: { env: {} }, apps: 'all', serviceOverrides: {}, deploy: { limit: 1, wait: 0 }, ...extra };
}

export function ecosystem(extra: Partial<Ecosystem> = {}): Ecosystem {
  return {
    project: 'platform', file: `${ROOT}/omnitron.config.ts`, root: ROOT, apps: [], services: {},
    supervision: SUPERVISION_DEFAULTS, monitoring: MONITORING_DEFAULTS, logging: LOGGING_DEFAULTS, discovery: DISCOVERY_SETTINGS_DEFAULTS, stacks: {},
    ...extra,
  };
}
