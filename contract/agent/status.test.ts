import { describe, expect, it } from 'vitest';
import { agentSettled, parseAgentStatus } from './status.js';

const app = (name: string, state: string, extra: Record<string, unknown> = {}) => ({ name, state, restarts: 0, health: 'ok', ...extra });

describe('the agent status document as readers see it', () => {
  it('is settled only once every app is running, failed or blocked', () => {
    expect(agentSettled({ agent: { state: 'starting' }, apps: [] })).toBe(false);
    expect(agentSettled({ agent: { state: 'running' }, apps: [app('a', 'running'), app('b', 'starting')] })).toBe(false);
    expect(agentSettled({ agent: { state: 'running' }, apps: [app('a', 'running'), app('b', 'backoff')] })).toBe(false);
    expect(agentSettled({ agent: { state: 'running' }, apps: [app('a', 'running'), app('b', 'failed'), app('c', 'blocked')] })).toBe(true);
    expect(agentSettled({ agent: { state: 'failed' } })).toBe(true);
  });

  it('ignores a document that is not JSON or not an object', () => {
    expect(parseAgentStatus('{"agent":')).toBeUndefined();
    expect(parseAgentStatus('[1]')).toBeUndefined();
    expect(parseAgentStatus('{"apps":[]}')).toEqual({ apps: [] });
  });
});
