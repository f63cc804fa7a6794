import { describe, expect, it } from 'vitest';
import { app, ecosystem, stack } from '../test/config/make-ecosystem.js';
import { checkEmptyApps } from './empty-stack.js';
import type { StackModel } from './config/model.js';
import type { DesiredResource, StateRecord } from './resource.js';

const eco = ecosystem();
const model = (apps: StackModel['apps']): StackModel => ({
  project: eco.project, root: eco.root, file: eco.file, stack: stack('dev'), apps, services: [],
  supervision: eco.supervision, monitoring: eco.monitoring, logging: eco.logging, discovery: eco.discovery,
});
const record = (address: string): StateRecord => ({ address, type: address.split('.')[0], attributes: {}, outputs: {}, dependsOn: [], sensitive: [], hash: 'h', updatedAt: '' });
const desired = (address: string): DesiredResource => ({ address, type: address.split('.')[0], attributes: {}, dependsOn: [], sensitive: [] });
const prior = new Map(['env_file.auth', 'postgres_database.auth', 'postgres_role.auth', 'docker_container.search', 'random_password.jwt_secret'].map((a) => [a, record(a)]));

describe('checkEmptyApps', () => {
  it('refuses a config with no apps over state it would delete, naming what', () => {
    expect(checkEmptyApps(model([]), [desired('docker_container.search')], prior)).toMatchObject({
      severity: 'error',
      summary: 'stack "dev" runs no apps, so this plan would delete 4 resources in state (env_file.auth, postgres_database.auth, postgres_role.auth, and 1 more)',
    });
  });
  it('says nothing when apps run, when state is empty, or when nothing would be deleted', () => {
    expect(checkEmptyApps(model([app('auth', 0)]), [], prior)).toBeUndefined();
    expect(checkEmptyApps(model([]), [], new Map())).toBeUndefined();
    expect(checkEmptyApps(model([]), [...prior.keys()].map(desired), prior)).toBeUndefined();
  });
});
