import { describe, expect, it } from 'vitest';
import { NODE_PLAN, NODE_PLAN_NODES } from '../../test/fixtures/views/node-plans.js';
import { PLAN_FIXTURES } from '../../test/fixtures/views/plans.js';
import { PROVIDERS } from '../compose.js';
import { groupChanges, providerLookup } from './plan-groups.js';

const providerOf = providerLookup(PROVIDERS);
const shape = (groups: ReturnType<typeof groupChanges>) => groups.map((g) => [g.target, g.providers.map((p) => [p.provider, p.changes.map((c) => c.address)])]);

describe('groupChanges', () => {
  it('puts changes under their node (config order), then their provider, leaving out no-ops', () => {
    expect(shape(groupChanges(NODE_PLAN, { nodes: NODE_PLAN_NODES, providerOf }))).toEqual([
      ['web-1', [['systemd', ['app_release.web-1.ledger', 'systemd_service.web-1.omnitron-agent', 'node_file.web-1.motd']]]],
      ['db-1', [['systemd', ['node_file.db-1.old-motd', 'apt_package.db-1.postgresql-15']]]],
      ['stack', [['postgres', ['postgres_role.ledger']]]],
    ]);
  });

  it('puts everything of a local stack under local, by provider in order of first appearance', () => {
    expect(shape(groupChanges(PLAN_FIXTURES['first-apply'], { nodes: [], providerOf }))).toEqual([
      ['local', [
        ['docker', ['docker_network.default', 'docker_volume.postgres_data', 'docker_image.postgres', 'docker_container.postgres', 'docker_container.redis']],
        ['local', ['random_password.postgres', 'env_file.auth']],
        ['postgres', ['postgres_role.auth', 'postgres_database.auth']],
      ]],
    ]);
  });
});

describe('providerLookup', () => {
  it('names the provider that owns a type, and goes by the prefix for one nobody owns', () => {
    expect(providerOf('docker_container')).toBe('docker');
    expect(providerOf('apt_package')).toBe('systemd');
    expect(providerOf('ssh_known_host')).toBe('ssh');
    expect(providerOf('random_password')).toBe('local');
    expect(providerOf('future_thing')).toBe('future');
  });
});
