import { describe, expect, it } from 'vitest';
import type { TargetStatus } from '../agent-access.js';
import { renderStatusJson } from './status-json.js';
import { duration, renderStatusText } from './status-text.js';
import type { AppStatus, AgentStatus } from '../../contract/agent/status.js';

const NOW = 1_700_000_000_000;

function app(a: Partial<AppStatus> & { name: string }): AppStatus {
  return { state: 'running', restarts: 0, health: 'unknown', processes: [], ...a };
}

function agent(apps: AppStatus[], extra: Partial<AgentStatus['agent']> = {}): AgentStatus {
  return {
    node: 'web-1', project: 'acme', stack: 'prod', updatedAt: NOW,
    agent: { pid: 812, startedAt: NOW - 8_040_000, generation: 1, failedReloads: 0, version: '0.1.0', rss: 50_000_000, state: 'running', ...extra },
    apps,
  };
}

const targets: TargetStatus[] = [
  {
    target: 'web-1',
    status: agent([
      app({ name: 'api', health: 'ok', uptimeMs: 8_000_000, processes: [{ name: 'main', pid: 4312, state: 'running', restarts: 0 }] }),
      app({
        name: 'worker', state: 'backoff', restarts: 4, processes: [{ name: 'main', state: 'backoff', restarts: 4 }],
        lastExit: { code: 1, signal: null, at: NOW - 12_000, reason: 'exited with code 1' },
      }),
      app({ name: 'sys', health: 'failing', uptimeMs: 61_000, processes: [{ name: 'web', pid: 10, state: 'running', restarts: 0 }, { name: 'worker', pid: 11, state: 'running', restarts: 0 }] }),
      app({ name: 'mailer', state: 'blocked', blockedBy: 'worker' }),
    ]),
  },
  { target: 'web-2', problem: 'unreachable: node web-2 (root@10.0.0.2:22): connection refused', hint: 'Check that sshd runs.' },
  { target: 'local', status: agent([], { state: 'failed', reason: 'critical app api failed' }) },
];

describe('renderStatusText', () => {
  it('prints the agent line and an aligned table per target, and one line for a target that did not answer', () => {
    expect(renderStatusText(targets, { color: false, now: NOW })).toBe([
      'node web-1: agent running (pid 812, up 2h 14m, v0.1.0)',
      '  APP       STATE              PID    UPTIME  RESTARTS  LAST EXIT                    HEALTH',
      '  api       running            4312   2h 13m  0         -                            ok',
      '  worker    backoff            -      -       4         exited with code 1, 12s ago  unknown',
      '  sys       running            10,11  1m 1s   0         -                            failing',
      '    web     running            10     -       0         -',
      '    worker  running            11     -       0         -',
      '  mailer    blocked by worker  -      -       0         -                            unknown',
      '',
      'node web-2: unreachable: node web-2 (root@10.0.0.2:22): connection refused',
      '  Check that sshd runs.',
      '',
      'local: agent failed: critical app api failed (pid 812, up 2h 14m, v0.1.0)',
      '  (no apps)',
      '',
    ].join('\n'));
  });

  it('colours states and health only when asked, keeping the columns aligned', () => {
    const coloured = renderStatusText(targets.slice(0, 1), { color: true, now: NOW });
    expect(coloured).toContain('\x1b[32mrunning');
    expect(coloured).toContain('\x1b[31mfailing\x1b[0m');
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(renderStatusText(targets.slice(0, 1), { color: false, now: NOW }));
  });
});

describe('duration', () => {
  it('keeps two units', () => {
    expect([0, 45_000, 192_000, 8_040_000, 277_200_000, -5].map(duration)).toEqual(['0s', '45s', '3m 12s', '2h 14m', '3d 5h', '0s']);
  });
});

describe('renderStatusJson', () => {
  it('is one document with every target, reachable or not', () => {
    const doc = JSON.parse(renderStatusJson({ project: 'acme', stack: 'prod' }, targets)) as Record<string, unknown>;
    expect(doc).toMatchObject({ format_version: '1.0', project: 'acme', stack: 'prod' });
    const [web1, web2, local] = doc.targets as Array<Record<string, unknown>>;
    expect(web1).toMatchObject({ target: 'web-1', reachable: true, agent: { state: 'running', pid: 812 }, updated_at: NOW });
    expect((web1.apps as AppStatus[]).map((a) => a.name)).toEqual(['api', 'worker', 'sys', 'mailer']);
    expect(web2).toEqual({ target: 'web-2', reachable: false, problem: 'unreachable: node web-2 (root@10.0.0.2:22): connection refused', hint: 'Check that sshd runs.' });
    expect(local).toMatchObject({ target: 'local', reachable: true, apps: [] });
  });
});
