import { describe, expect, it } from 'vitest';
import type { TargetStatus } from '../agent-access.js';
import { AgentUnavailable, type AgentEndpoint, type LogRequest } from '../agent-endpoint.js';
import { appTargets, streamAppLogs } from './logs.js';
import type { AgentStatus } from '../../contract/agent/status.js';

function status(apps: Array<{ name: string; processes?: string[] }>): AgentStatus {
  return {
    node: 'n', project: 'p', stack: 's', updatedAt: 0, agent: { pid: 1, startedAt: 0, generation: 1, failedReloads: 0, version: '0', rss: 0, state: 'running' },
    apps: apps.map((a) => ({ name: a.name, state: 'running', restarts: 0, health: 'ok', processes: (a.processes ?? ['main']).map((name) => ({ name, state: 'running', restarts: 0 })) })),
  };
}

const what = (app: string, request: LogRequest = {}) => ({ app, stack: 'prod', request });

describe('appTargets', () => {
  const statuses: TargetStatus[] = [
    { target: 'web-1', status: status([{ name: 'api' }, { name: 'sys', processes: ['web', 'worker'] }]) },
    { target: 'web-2', status: status([{ name: 'api' }, { name: 'my-app-7d1c2a' }]) },
    { target: 'web-3', problem: 'unreachable: connection refused' },
  ];

  it('picks every node that runs the app, by the name its agent uses', () => {
    expect(appTargets(statuses, what('api'))).toMatchObject({ name: 'api', targets: ['web-1', 'web-2'], unanswered: [{ target: 'web-3' }] });
    expect(appTargets(statuses, what('sys', { process: 'worker' })).targets).toEqual(['web-1']);
  });

  it('says which apps do run when the app is unknown, and which nodes were not asked', () => {
    expect(() => appTargets(statuses, what('auht'))).toThrow([
      'Error: no app "auht" runs in stack "prod"',
      '  Apps the agents run: api, my-app-7d1c2a, sys.',
      '  Not asked (no answer):',
      '    node web-3: unreachable: connection refused',
    ].join('\n'));
    expect(() => appTargets([statuses[2]], what('api'))).toThrow('cannot reach any agent of stack "prod" to find app "api"');
    expect(() => appTargets(statuses, what('sys', { process: 'cron' }))).toThrow('app "sys" has no process "cron"\n  Its processes: web, worker.');
  });
});

describe('streamAppLogs', () => {
  function endpoint(target: string, apps: string[], lines: string[], end: 'done' | 'follow' | 'break' = 'done'): AgentEndpoint & { asked: LogRequest[] } {
    const asked: LogRequest[] = [];
    return {
      target, asked,
      status: async () => status(apps.map((name) => ({ name }))),
      logs: async (_app, request, onLine, signal) => {
        asked.push(request);
        lines.forEach(onLine);
        if (end === 'break') throw new AgentUnavailable('unreachable: connection lost');
        if (end === 'follow') await new Promise((resolve) => signal!.addEventListener('abort', resolve));
      },
    };
  }

  function sink() {
    const out = { lines: [] as string[], warnings: [] as string[] };
    return { out, sink: { line: (t: string) => out.lines.push(t), warn: (t: string) => out.warnings.push(t) } };
  }

  it('prints one node\'s lines as they are, and passes the request on', async () => {
    const one = endpoint('web-1', ['api'], ['a', 'b']);
    const { out, sink: s } = sink();
    expect(await streamAppLogs([one, endpoint('web-2', ['other'], ['x'])], what('api', { lines: 5 }), s, new AbortController().signal)).toBe(0);
    expect(out).toEqual({ lines: ['a', 'b'], warnings: [] });
    expect(one.asked).toEqual([{ lines: 5 }]);
  });

  it('prefixes lines with the node when several run the app, and follows until aborted (exit 0)', async () => {
    const { out, sink: s } = sink();
    const abort = new AbortController();
    const following = streamAppLogs([endpoint('web-1', ['api'], ['a'], 'follow'), endpoint('web-2', ['api'], ['b'], 'follow')], what('api', { follow: true }), s, abort.signal);
    await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    expect(await following).toBe(0);
    expect(out.lines.sort()).toEqual(['[web-1] a', '[web-2] b']);
  });

  it('warns about a stream that broke off and about nodes that did not answer, and exits 1', async () => {
    const { out, sink: s } = sink();
    const silent: AgentEndpoint = { target: 'web-3', status: () => Promise.reject(new AgentUnavailable('unreachable: timeout')), logs: async () => undefined };
    expect(await streamAppLogs([endpoint('web-1', ['api'], ['a'], 'break'), endpoint('web-2', ['api'], ['b']), silent], what('api'), s, new AbortController().signal)).toBe(1);
    expect(out.lines).toEqual(['[web-1] a', '[web-2] b']);
    expect(out.warnings).toEqual([
      'warning: node web-3 did not answer (unreachable: timeout); its logs, if it runs api, are not shown',
      'node web-1: logs of api broke off: unreachable: connection lost',
    ]);
  });
});
