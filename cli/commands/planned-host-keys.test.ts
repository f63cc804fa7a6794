import { describe, expect, it } from 'vitest';
import type { Plan } from '../../planner/change.js';
import type { NodeSpec } from '../../planner/config/model.js';
import { change } from '../../test/support/plan-changes.js';
import { sshNode } from '../compose.js';
import { plannedHostKeys } from './apply.js';

const FP_PLAN = 'SHA256:planplanplanplanplanplanplanplanplanplanpla';
const FP_STATE = 'SHA256:statestatestatestatestatestatestatestatest';

describe('a saved plan pins the host keys it saw', () => {
  it("takes each node's key from the plan's ssh_known_host changes, whether recorded already or seen first", () => {
    const seen = (node: string, fingerprint: string) => ({ address: `ssh_known_host.${node}`, type: 'ssh_known_host', attributes: { node, host: '10.0.0.1', port: 22, fingerprint } });
    const plan = { changes: [
      change({ address: 'ssh_known_host.web', action: 'noop', reason: 'pinned', observed: seen('web', FP_STATE) }),
      change({ address: 'ssh_known_host.db', action: 'create', reason: 'first connection', observed: seen('db', FP_PLAN) }),
      change({ address: 'docker_network.default', action: 'noop', reason: 'up to date' }),
    ] } as unknown as Plan;
    expect([...plannedHostKeys(plan)]).toEqual([['web', FP_STATE], ['db', FP_PLAN]]);
  });

  it('a plan pin applies where neither the config nor state pins the node', () => {
    const node = { name: 'db', host: '10.0.0.2', ssh: { port: 22, user: 'root' } } as unknown as NodeSpec;
    const planned = new Map([['db', FP_PLAN]]);
    expect(sshNode(node, [], planned).hostKey).toBe(FP_PLAN);
    expect(sshNode({ ...node, hostKey: FP_STATE } as NodeSpec, [], planned).hostKey).toBe(FP_STATE);
    expect(sshNode(node, []).hostKey).toBeUndefined();
  });
});
