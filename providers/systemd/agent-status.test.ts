import { describe, expect, it } from 'vitest';
import type { ApplyOp, ProviderContext } from '../../planner/resource.js';
import type { Transport } from '../../planner/transport.js';
import { holdHealthy, pointCurrentBack } from './agent-status.js';

const STATUS = '/var/lib/omnitron/agent/status.json';
const [OLD, NEW] = ['a'.repeat(64), 'b'.repeat(64)];
const op = { action: 'update', address: 'systemd_service.a2.omnitron-agent' } as ApplyOp;
const ctx = { signal: new AbortController().signal, emit: () => undefined } as unknown as ProviderContext;

/** A node whose status.json says `apps`; records every command run on it. */
function node(apps: unknown[]): { t: Transport; ran: string[][] } {
  const ran: string[][] = [];
  const answer = async (argv: readonly string[]) => {
    ran.push([...argv]);
    return { code: 0, stdout: argv[0] === 'cat' ? JSON.stringify({ agent: { state: 'running' }, apps }) : '', stderr: '' };
  };
  return { t: { exec: answer, execOrThrow: answer } as unknown as Transport, ran };
}

describe('after an agent rolled an app back', () => {
  it('points its current back at the release it runs again, noting the failed one', async () => {
    const rolledBack = { reason: 'x', at: 1, runs: `/opt/omnitron/apps/web/releases/${OLD}`, failed: `/opt/omnitron/apps/web/releases/${NEW}` };
    const { t, ran } = node([{ name: 'web', state: 'running', rolledBack }, { name: 'jobs', state: 'running' }]);
    await pointCurrentBack(ctx, t, op, STATUS);
    const switched = ran.filter((argv) => argv[3] === 'omnitron-switch');
    expect(switched.map((argv) => argv.slice(4))).toEqual([['/opt/omnitron/apps/web', OLD, NEW, 'rollback', '5', 'history', NEW]]);
  });

  it('leaves alone an app whose directories are not two releases of one root', async () => {
    const rolledBack = { reason: 'x', at: 1, runs: '/srv/web', failed: `/opt/omnitron/apps/web/releases/${NEW}` };
    const { t, ran } = node([{ name: 'web', state: 'running', rolledBack }]);
    await pointCurrentBack(ctx, t, op, STATUS);
    expect(ran.filter((argv) => argv[3] === 'omnitron-switch')).toEqual([]);
  });
});

describe('a rolling deploy\'s wait', () => {
  it('passes when the apps still run as asked, and fails naming the node and app when one stopped', async () => {
    await holdHealthy(ctx, node([{ name: 'web', state: 'running', health: 'ok', restarts: 0 }]).t, op, { node: 'a1', path: STATUS, ms: 1 });
    await expect(holdHealthy(ctx, node([{ name: 'web', state: 'backoff', restarts: 2 }]).t, op, { node: 'a1', path: STATUS, ms: 1 }))
      .rejects.toThrow('on node a1: apps stopped running within the 0.001 s deploy wait:\n  web: crash-looping');
  });
});
