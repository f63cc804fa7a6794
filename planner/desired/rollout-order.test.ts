import { describe, expect, it } from 'vitest';
import type { NodeSpec } from '../config/model.js';
import type { DesiredResource } from '../resource.js';
import { orderRollouts, rolloutBatches } from './rollout-order.js';
import { plannedRollouts } from '../rollouts.js';
import type { Change } from '../change.js';

const node = (name: string): NodeSpec => ({ name, host: name, role: 'app', ssh: { user: 'root', port: 22 } });
const res = (address: string, type: string, attributes: Record<string, string>, dependsOn: string[] = []): DesiredResource => ({ address, type, attributes, dependsOn, sensitive: [] });

/** Per node: a release of each app, and the agent that applies after it. */
function graph(placement: Record<string, string[]>, agentAfter: Record<string, string[]> = {}): DesiredResource[] {
  return Object.entries(placement).flatMap(([n, apps]) => [
    ...apps.map((app) => res(`app_release.${n}.${app}`, 'app_release', { node: n, app })),
    res(`systemd_service.${n}.omnitron-agent`, 'systemd_service', { node: n }, [...apps.map((app) => `app_release.${n}.${app}`), ...(agentAfter[n] ?? []).map((o) => `systemd_service.${o}.omnitron-agent`)]),
  ]);
}

const nodesOf = (placement: Record<string, string[]>) => (app: string) => Object.keys(placement).filter((n) => placement[n].includes(app)).map(node);
const depsOf = (resources: DesiredResource[], address: string) => resources.find((r) => r.address === address)!.dependsOn;

describe('rollout order', () => {
  const placement = { a1: ['web', 'jobs'], a2: ['web'], a3: ['web'] };

  it('batches an app\'s nodes by limit in node order, and leaves apps on one node alone', () => {
    expect(rolloutBatches({ apps: ['web', 'jobs'], nodesOf: nodesOf(placement), deploy: { limit: 2, wait: 0 } })).toEqual(new Map([['web', [['a1', 'a2'], ['a3']]]]));
  });

  it('makes each node\'s release wait for the agents of the batch before, which hold `wait` once healthy', () => {
    const ordered = orderRollouts(graph(placement), { apps: ['web', 'jobs'], nodesOf: nodesOf(placement), deploy: { limit: 1, wait: 5_000 } });
    expect(depsOf(ordered, 'app_release.a1.web')).toEqual([]);
    expect(depsOf(ordered, 'app_release.a2.web')).toEqual(['systemd_service.a1.omnitron-agent']);
    expect(depsOf(ordered, 'app_release.a3.web')).toEqual(['systemd_service.a2.omnitron-agent']);
    expect(depsOf(ordered, 'app_release.a1.jobs')).toEqual([]);
    expect(ordered.filter((r) => r.holdAfter).map((r) => [r.address, r.holdAfter])).toEqual([['systemd_service.a1.omnitron-agent', 5_000], ['systemd_service.a2.omnitron-agent', 5_000]]);
  });

  it('leaves out an edge that would close a cycle: apps that depend on a later node\'s apps order the agents', () => {
    const both = { a1: ['web'], a2: ['web', 'db'] };
    const ordered = orderRollouts(graph(both, { a1: ['a2'] }), { apps: ['web', 'db'], nodesOf: nodesOf(both), deploy: { limit: 1, wait: 0 } });
    expect(depsOf(ordered, 'app_release.a2.web')).toEqual([]);
  });

  it('shows in the plan the nodes whose release changes, in rollout order', () => {
    const ordered = orderRollouts(graph(placement), { apps: ['web', 'jobs'], nodesOf: nodesOf(placement), deploy: { limit: 2, wait: 0 } });
    const changes = ordered.map((r) => ({ address: r.address, action: r.address === 'app_release.a2.web' ? 'noop' : 'update' }) as Change);
    expect(plannedRollouts(ordered, changes, 0)).toEqual([{ app: 'web', batches: [['a1'], ['a3']], wait: 0 }]);
  });
});
