import { describe, expect, it } from 'vitest';
import { ref, type Expr } from '../../planner/expr.js';
import type { DesiredResource, ObserveRequest, StateRecord } from '../../planner/resource.js';
import { collectTargets } from '../server-observe.js';
import { redisServers } from './targets.js';

const connectionExpr = { host: '127.0.0.1', port: 56379, password: ref('random_password.redis', 'result') };
const outputs: Record<string, unknown> = { 'random_password.redis.result': 'pw' };

const desired = (address: string, index: number): DesiredResource =>
  ({ address, type: 'redis_database', attributes: { index, app: 'a', purpose: 'app' }, connection: connectionExpr, dependsOn: [], sensitive: [] });

function record(address: string, index: number, connection?: Expr): StateRecord {
  const r: StateRecord = { address, type: 'redis_database', attributes: { index, app: 'a', purpose: 'app' }, outputs: { index }, dependsOn: [], sensitive: [], hash: 'h', updatedAt: '' };
  return connection === undefined ? r : { ...r, connection };
}

const request = (d: DesiredResource[], prior: StateRecord[], known = outputs): ObserveRequest => ({
  scope: { project: 'p', stack: 's', root: '/r', stackDir: '/r/.omnitron/s', lineage: 'test-lineage' }, desired: d, prior,
  lookup: (address, output) => known[`${address}.${output}`] as never,
});

describe('collectTargets (redis)', () => {
  it('groups desired and remembered DBs by server, marking which are still wanted', () => {
    const t = collectTargets(request([desired('redis_database.api', 0)], [record('redis_database.old', 4, connectionExpr)]), redisServers);
    expect([...t.servers.keys()]).toEqual(['127.0.0.1:56379']);
    expect(t.servers.get('127.0.0.1:56379')).toEqual({
      connection: { host: '127.0.0.1', port: 56379, password: 'pw' },
      targets: [{ address: 'redis_database.api', index: 0, desired: true }, { address: 'redis_database.old', index: 4, desired: false }],
    });
  });

  it('skips new DBs on a server not known yet, and says why remembered ones cannot be read', () => {
    const t = collectTargets(request([desired('redis_database.api', 0), desired('redis_database.web', 1)], [record('redis_database.web', 1), record('redis_database.gone', 2)], {}), redisServers);
    expect(t.servers.size).toBe(0);
    expect([...t.unreachable]).toEqual([
      ['redis_database.web', 'redis server not known until apply'],
      ['redis_database.gone', 'no connection recorded in state'],
    ]);
  });
});
