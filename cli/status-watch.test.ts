import { describe, expect, it } from 'vitest';
import type { TargetStatus } from './agent-access.js';
import type { AgentEndpoint } from './agent-endpoint.js';
import { AgentUnavailable } from './agent-endpoint.js';
import { watchStatuses } from './status-watch.js';
import { WATCHED_TARGETS } from '../test/fixtures/views/agent-statuses.js';

const web1 = (WATCHED_TARGETS[0] as Extract<TargetStatus, { status: unknown }>).status;

/** An agent that answers with its status, `asked` counting the questions; the second one is down from its third question on. */
function endpoints(): { list: AgentEndpoint[]; asked: number[] } {
  const asked = [0, 0];
  const list: AgentEndpoint[] = [
    { target: 'web-1', status: async () => { asked[0]++; return web1; }, logs: async () => {} },
    {
      target: 'web-2',
      status: async () => {
        asked[1]++;
        if (asked[1] >= 3) throw new AgentUnavailable('agent not running', 'Run `omnitron apply`.');
        return { ...web1, node: 'web-2' };
      },
      logs: async () => {},
    },
  ];
  return { list, asked };
}

describe('watchStatuses', () => {
  it('asks every agent again after each refresh, keeps going when one stops answering, and ends when aborted', async () => {
    const { list, asked } = endpoints();
    const controller = new AbortController();
    const rounds: TargetStatus[][] = [];
    await watchStatuses(list, { intervalMs: 1, signal: controller.signal }, (targets) => {
      rounds.push([...targets]);
      if (rounds.length === 4) controller.abort();
    });
    expect(rounds.map((r) => r.map((t) => ('status' in t ? `${t.target} ok` : `${t.target}: ${t.problem}`)))).toEqual([
      ['web-1 ok', 'web-2 ok'],
      ['web-1 ok', 'web-2 ok'],
      ['web-1 ok', 'web-2: agent not running'],
      ['web-1 ok', 'web-2: agent not running'],
    ]);
    expect(asked).toEqual([4, 4]);
  });

  it('asks nothing once already aborted', async () => {
    const { list, asked } = endpoints();
    const controller = new AbortController();
    controller.abort();
    await watchStatuses(list, { intervalMs: 1, signal: controller.signal }, () => { throw new Error('no update expected'); });
    expect(asked).toEqual([0, 0]);
  });
});
