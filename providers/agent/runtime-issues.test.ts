import { describe, expect, it } from 'vitest';
import { runtimeIssues } from './runtime-issues.js';

const app = (name: string, state: string, extra: Record<string, unknown> = {}) => ({ name, state, restarts: 0, health: 'ok', ...extra });

describe('runtime issues from an agent status document', () => {
  it('reports crash-looping, failed, blocked and unhealthy apps, and nothing for healthy ones', () => {
    const doc = {
      agent: { state: 'running' },
      apps: [
        app('auth', 'running'),
        app('ledger', 'backoff', { restarts: 3, lastExit: { code: 1, signal: null, reason: 'exited' } }),
        app('media', 'failed', { restarts: 5, lastExit: { code: null, signal: 'SIGKILL', reason: 'restart budget exhausted' } }),
        app('realtime', 'blocked', { blockedBy: 'media' }),
        app('analytics', 'running', { health: 'failing' }),
        app('fresh', 'starting'),
      ],
    };
    expect(runtimeIssues('app', doc)).toEqual([
      { target: 'app', app: 'ledger', state: 'crash-looping', restarts: 3, lastExit: 'exit code 1' },
      { target: 'app', app: 'media', state: 'failed', restarts: 5, lastExit: 'signal SIGKILL', detail: 'restart budget exhausted' },
      { target: 'app', app: 'realtime', state: 'blocked', restarts: 0, detail: 'waiting for media' },
      { target: 'app', app: 'analytics', state: 'health check failing', restarts: 0 },
    ]);
  });

  it('reports a failed agent with its reason', () => {
    expect(runtimeIssues('db', { agent: { state: 'failed', reason: 'critical app "auth" failed' }, apps: [] }))
      .toEqual([{ target: 'db', app: '(agent)', state: 'agent failed', restarts: 0, detail: 'critical app "auth" failed' }]);
  });
});
