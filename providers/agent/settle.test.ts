import { describe, expect, it } from 'vitest';
import { agentSettled } from './settle.js';

const app = (name: string, state: string, extra: Record<string, unknown> = {}) => ({ name, state, restarts: 0, health: 'ok', ...extra });

describe('agentSettled', () => {
  it('is settled only once every app is running, failed or blocked', () => {
    expect(agentSettled({ agent: { state: 'starting' }, apps: [] })).toBe(false);
    expect(agentSettled({ agent: { state: 'running' }, apps: [app('a', 'running'), app('b', 'starting')] })).toBe(false);
    expect(agentSettled({ agent: { state: 'running' }, apps: [app('a', 'running'), app('b', 'backoff')] })).toBe(false);
    expect(agentSettled({ agent: { state: 'running' }, apps: [app('a', 'running'), app('b', 'failed'), app('c', 'blocked')] })).toBe(true);
    expect(agentSettled({ agent: { state: 'failed' } })).toBe(true);
  });
});
