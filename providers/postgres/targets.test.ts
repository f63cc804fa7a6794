import { describe, expect, it } from 'vitest';
import { ref, type Expr } from '../../planner/expr.js';
import type { DesiredResource, ObserveRequest, StateRecord } from '../../planner/resource.js';
import { collectTargets } from '../server-observe.js';
import { postgresServers } from './targets.js';

const server = { host: '127.0.0.1', port: 55432, user: 'postgres', password: 'admin-pw' };

function desired(address: string, attributes: DesiredResource['attributes'], connection?: DesiredResource['connection']): DesiredResource {
  return { address, type: address.split('.')[0], attributes, connection, dependsOn: [], sensitive: [] };
}

function record(address: string, attributes: StateRecord['attributes'], outputs: StateRecord['outputs'], connection?: Expr): StateRecord {
  const r: StateRecord = { address, type: address.split('.')[0], attributes, outputs, dependsOn: [], sensitive: [], hash: 'h', updatedAt: '' };
  return connection === undefined ? r : { ...r, connection };
}

function request(d: DesiredResource[], prior: StateRecord[], outputs: Record<string, unknown> = {}): ObserveRequest {
  return {
    scope: { project: 'p', stack: 's', root: '/r', stackDir: '/r/.omnitron/s', lineage: 'test-lineage' }, desired: d, prior,
    lookup: (address, output) => (outputs[`${address}.${output}`] as never),
  };
}

const connectionExpr = { host: '127.0.0.1', port: ref('docker_container.postgres', 'port'), user: 'postgres', password: ref('random_password.postgres', 'result') };

describe('collectTargets', () => {
  it('groups desired resources by resolved server and ignores other types', () => {
    const t = collectTargets(request([
      desired('postgres_role.api', { name: 'api', login: true }, connectionExpr),
      desired('postgres_database.api', { name: 'api', owner: ref('postgres_role.api', 'name') }, connectionExpr),
      desired('env_file.api', { path: '/x' }),
    ], [], { 'docker_container.postgres.port': 55432, 'random_password.postgres.result': 'admin-pw' }), postgresServers);
    expect([...t.servers.keys()]).toEqual(['postgres@127.0.0.1:55432']);
    const s = t.servers.get('postgres@127.0.0.1:55432');
    expect(s?.connection).toEqual(server);
    expect(s?.targets).toEqual([
      { address: 'postgres_role.api', type: 'postgres_role', name: 'api', desired: true },
      { address: 'postgres_database.api', type: 'postgres_database', name: 'api', desired: true },
    ]);
    expect(t.unreachable.size).toBe(0);
  });

  it('skips new resources whose server is not known yet, but not remembered ones', () => {
    const t = collectTargets(request([
      desired('postgres_role.api', { name: 'api', login: true }, connectionExpr),
      desired('postgres_role.web', { name: 'web', login: true }, connectionExpr),
    ], [record('postgres_role.web', { name: 'web', login: true }, { name: 'web', password: 'pw' })]), postgresServers);
    expect(t.servers.size).toBe(0);
    expect([...t.unreachable]).toEqual([['postgres_role.web', 'postgres server not known until apply']]);
  });

  it('reaches remembered resources through the connection expression stored in state, with their password', () => {
    const t = collectTargets(request([], [
      record('postgres_role.old', { name: 'old', login: true }, { name: 'old', password: 'old-pw' }, connectionExpr),
      record('postgres_database.gone', { name: 'gone', owner: 'x' }, {}),
      record('postgres_database.lost', { name: 'lost', owner: 'x' }, {}, { ...connectionExpr, port: ref('docker_container.old', 'port') }),
    ], { 'docker_container.postgres.port': 55432, 'random_password.postgres.result': 'admin-pw' }), postgresServers);
    expect(t.servers.get('postgres@127.0.0.1:55432')?.targets).toEqual([
      { address: 'postgres_role.old', type: 'postgres_role', name: 'old', desired: false, password: 'old-pw' },
    ]);
    expect(t.unreachable.get('postgres_database.gone')).toBe('no connection recorded in state');
    expect(t.unreachable.get('postgres_database.lost')).toBe('postgres server no longer known');
  });

  it('falls back to the stored connection when the desired one is not resolvable yet', () => {
    const t = collectTargets(request(
      [desired('postgres_role.api', { name: 'api', login: true }, { ...connectionExpr, port: ref('docker_container.next', 'port') })],
      [record('postgres_role.api', { name: 'api', login: true }, { name: 'api', password: 'pw' }, connectionExpr)],
      { 'docker_container.postgres.port': 55432, 'random_password.postgres.result': 'admin-pw' },
    ), postgresServers);
    expect(t.servers.get('postgres@127.0.0.1:55432')?.targets).toEqual([{ address: 'postgres_role.api', type: 'postgres_role', name: 'api', desired: true, password: 'pw' }]);
  });
});
