import { describe, expect, it } from 'vitest';
import { gaveUp, runtimeIssues } from './runtime-issues.js';

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

  it('reports an app the latest reload rolled back, with the last health answer and the release it runs again', () => {
    const rolledBack = { reason: 'web.1: not ready within 5000 ms (last health answer: http 500)', from: 'aaaaaaaaaaaaaaaa', to: 'bbbbbbbbbbbbbbbb', at: 1 };
    const doc = { agent: { state: 'running' }, apps: [app('web', 'running', { rolledBack, lastExit: { code: null, signal: 'SIGTERM', reason: 'replaced by a new release' } })] };
    expect(runtimeIssues('app-2', doc)).toEqual([{
      target: 'app-2', app: 'web', state: 'rolled back', restarts: 0,
      detail: 'new release aaaaaaaaaaaa not ready: web.1: not ready within 5000 ms (last health answer: http 500); runs release bbbbbbbbbbbb again',
    }]);
  });

  it('reports a failed agent with its reason', () => {
    expect(runtimeIssues('db', { agent: { state: 'failed', reason: 'critical app "auth" failed' }, apps: [] }))
      .toEqual([{ target: 'db', app: '(agent)', state: 'agent failed', restarts: 0, detail: 'critical app "auth" failed' }]);
  });
});

describe('apps a reload acts on', () => {
  it('a rolled-back app is one: the reload takes the config\'s release again, or clears the note when the config went back to what runs', () => {
    const issues = runtimeIssues('app', { apps: [
      { name: 'ledger', state: 'running', restarts: 0, rolledBack: { reason: 'http: exited with code 3 before ready', from: 'b'.repeat(64), to: 'a'.repeat(64), at: 1, runs: '/x', failed: '/y' } },
      { name: 'media', state: 'backoff', restarts: 2 },
    ] });
    expect(gaveUp(issues).map((i) => `${i.app} ${i.state}`)).toEqual(['ledger rolled back']);
  });
});
