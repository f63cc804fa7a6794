import { describe, expect, it } from 'vitest';
import { agentSettled, waitAgentSettled } from './settle.js';

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

describe('waitAgentSettled', () => {
  it('passes on what the agent could not honour of an app\'s definition as warnings naming app and target', async () => {
    const events: Array<{ kind: string; message?: string; address?: string }> = [];
    const ctx = { emit: (e: { kind: string }) => events.push(e), signal: new AbortController().signal } as unknown as Parameters<typeof waitAgentSettled>[0];
    const doc = { agent: { state: 'running' }, apps: [app('media', 'running', { notes: ['defineSystem fields the omnitron agent does not use (ignored): processes[0].topology'] }), app('auth', 'running')] };
    await waitAgentSettled(ctx, { action: 'update', address: 'systemd_service.app.omnitron-agent' } as Parameters<typeof waitAgentSettled>[1], {
      target: 'app', where: 'node app', timeoutS: 5, read: async () => doc, fresh: () => true, logHint: '', fixHint: '',
    });
    expect(events).toEqual([{ kind: 'warning', address: 'systemd_service.app.omnitron-agent', message: 'media on node app: defineSystem fields the omnitron agent does not use (ignored): processes[0].topology' }]);
  });

  it('fails naming the node, the app rolled back, the last health answer and the release it runs again', async () => {
    const ctx = { emit: () => undefined, signal: new AbortController().signal } as unknown as Parameters<typeof waitAgentSettled>[0];
    const rolledBack = { reason: 'main.0: not ready within 5000 ms (last health answer: http 500)', from: 'aaaaaaaaaaaaaaaa', to: 'bbbbbbbbbbbbbbbb', at: 1 };
    const doc = { agent: { state: 'running' }, apps: [app('web', 'running', { rolledBack }), app('auth', 'running')] };
    await expect(waitAgentSettled(ctx, { action: 'update', address: 'systemd_service.a2.omnitron-agent' } as Parameters<typeof waitAgentSettled>[1], {
      target: 'a2', where: 'node a2', timeoutS: 5, read: async () => doc, fresh: () => true, logHint: '', fixHint: '',
    })).rejects.toThrow('on node a2: the new release was rolled back:\n  web rolled back: new release aaaaaaaaaaaa not ready: main.0: not ready within 5000 ms (last health answer: http 500); runs release bbbbbbbbbbbb again');
  });
});
