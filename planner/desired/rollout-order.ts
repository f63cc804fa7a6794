/**
 * Rolling deploys across nodes: an app that runs on several nodes reaches a new release `limit` nodes
 * at a time, in the stack's node order. A node's release switch waits for the agents of the batch
 * before it, which apply only once their apps are healthy (and, with `wait`, stayed so that long): a
 * node that fails stops the rollout, and the nodes after it keep the release they run.
 */
import type { DeploySpec, NodeSpec } from '../config/model.js';
import type { DesiredResource } from '../resource.js';
import { nodeAddress } from './addresses.js';
import { agentServiceAddress } from './node-apps.js';
import { refsOf } from '../expr.js';

export interface RolloutInput {
  apps: readonly string[];
  nodesOf: (app: string) => readonly NodeSpec[];
  deploy: DeploySpec;
}

/** Per app on two nodes or more: its nodes in batches of `limit`. */
export function rolloutBatches(input: RolloutInput): Map<string, string[][]> {
  const batches = new Map<string, string[][]>();
  for (const app of input.apps) {
    const nodes = input.nodesOf(app).map((n) => n.name);
    if (nodes.length < 2) continue;
    const limit = Math.max(1, input.deploy.limit);
    batches.set(app, Array.from({ length: Math.ceil(nodes.length / limit) }, (_, i) => nodes.slice(i * limit, (i + 1) * limit)));
  }
  return batches;
}

/**
 * The desired graph with the rollout's ordering added: each node's release of the app waits for the
 * agents of the batch before; those agents hold `wait` after they are healthy. An edge that would close
 * a cycle (the earlier node's apps depend on apps of the later one) is left out: that order wins.
 */
export function orderRollouts(resources: DesiredResource[], input: RolloutInput): DesiredResource[] {
  const byAddress = new Map(resources.map((r) => [r.address, { ...r, dependsOn: [...r.dependsOn] }]));
  for (const [app, batches] of rolloutBatches(input)) {
    batches.forEach((batch, i) => {
      for (const node of batch) {
        const release = byAddress.get(nodeAddress('app_release', node, app));
        if (!release) continue;
        release.rollout = { app, batch: i, batches: batches.length };
        if (i === 0) continue;
        for (const earlier of batches[i - 1]) {
          const agent = byAddress.get(agentServiceAddress(earlier));
          if (!agent || reaches(byAddress, agent.address, release.address)) continue;
          release.dependsOn.push(agent.address);
          if (input.deploy.wait > 0) agent.holdAfter = input.deploy.wait;
        }
      }
    });
  }
  return [...byAddress.values()];
}

/** Whether `from` depends on `to`, directly or through others. */
function reaches(graph: ReadonlyMap<string, DesiredResource>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const at = stack.pop()!;
    if (at === to) return true;
    if (seen.has(at)) continue;
    seen.add(at);
    const r = graph.get(at);
    if (!r) continue;
    const deps = new Set(r.dependsOn);
    refsOf(r.attributes, deps);
    stack.push(...deps);
  }
  return false;
}
