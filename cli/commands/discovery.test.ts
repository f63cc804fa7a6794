import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../planner/diagnostics.js';
import type { NodeInfo } from '../../runtime/discovery/index.js';
import { buildProgram } from '../program.js';
import { formatAge, parseServiceFilter, renderNodesJson, renderNodesText } from './discovery.js';

const NOW = Date.parse('2026-11-22T12:00:00.000Z');
const nodes: NodeInfo[] = [
  { nodeId: 'app-1', address: '10.0.0.5:3000', services: [{ name: 'auth', version: '1.0.0' }, { name: 'media' }], timestamp: NOW - 4_200 },
  { nodeId: 'app-2-long-name', address: '10.0.0.6:3000', services: [], timestamp: NOW - 192_000 },
];

describe('parseServiceFilter', () => {
  it.each([
    ['users', { name: 'users' }],
    ['users@1.0.0', { name: 'users', version: '1.0.0' }],
    ['@scope/users', { name: '@scope/users' }],
    ['@scope/users@2.1.0', { name: '@scope/users', version: '2.1.0' }],
  ])('reads %s', (text, filter) => {
    expect(parseServiceFilter(text)).toEqual(filter);
  });

  it.each(['', ' ', 'users@', '@', ' users', 'users@ 1'])('refuses %j with one line', (text) => {
    expect(() => parseServiceFilter(text)).toThrow(UserError);
    expect(() => parseServiceFilter(text)).toThrow(`--service ${JSON.stringify(text)}: expected NAME or NAME@VERSION`);
  });
});

describe('formatAge', () => {
  it.each([[0, '0s ago'], [4_999, '4s ago'], [59_999, '59s ago'], [60_000, '1m 0s ago'], [192_000, '3m 12s ago'], [7_500_000, '2h 5m ago'], [-3_000, '0s ago'], [Number.NaN, 'unknown']])('%d ms → %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});

describe('rendering live nodes', () => {
  const view = { stack: 'prod', index: 3, now: NOW };

  it('prints an aligned table with name@version services and heartbeat ages', () => {
    expect(renderNodesText(nodes, view)).toBe([
      'NODE              ADDRESS         SERVICES            LAST HEARTBEAT',
      'app-1             10.0.0.5:3000   auth@1.0.0, media   4s ago',
      'app-2-long-name   10.0.0.6:3000   -                   3m 12s ago',
    ].join('\n'));
  });

  it('says so when no node is live, naming the filter', () => {
    expect(renderNodesText([], view)).toBe('No live nodes in the discovery registry of stack "prod".');
    expect(renderNodesText([], { ...view, filter: { name: 'users', version: '1.0.0' } })).toBe('No live nodes hosting users@1.0.0 in the discovery registry of stack "prod".');
  });

  it('prints JSON with snake_case fields, ISO times and ages', () => {
    expect(JSON.parse(renderNodesJson(nodes, { ...view, filter: { name: 'auth' } }))).toEqual({
      format_version: '1.0', stack: 'prod', redis_db: 3, service: { name: 'auth' },
      nodes: [
        { node_id: 'app-1', address: '10.0.0.5:3000', services: [{ name: 'auth', version: '1.0.0' }, { name: 'media' }], last_heartbeat: '2026-11-22T11:59:55.800Z', last_heartbeat_age_ms: 4_200 },
        { node_id: 'app-2-long-name', address: '10.0.0.6:3000', services: [], last_heartbeat: '2026-11-22T11:56:48.000Z', last_heartbeat_age_ms: 192_000 },
      ],
    });
    expect(JSON.parse(renderNodesJson([], view))).toMatchObject({ service: null, nodes: [] });
  });
});

describe('omnitron discovery ls arguments', () => {
  async function parse(args: string[]): Promise<{ opts?: Record<string, unknown>; error?: string }> {
    const program = buildProgram(async () => {});
    const discovery = program.commands.find((c) => c.name() === 'discovery') as Command;
    for (const cmd of [program, discovery, ...discovery.commands]) cmd.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    try {
      await program.parseAsync(args, { from: 'user' });
    } catch (err) {
      return { error: (err as Error).message };
    }
    return { opts: discovery.commands.find((c) => c.name() === 'ls')!.opts() };
  }

  it('takes the stack, --service and --json', async () => {
    expect((await parse(['discovery', 'ls', '-s', 'prod', '--service', 'users@1.0.0', '--json'])).opts).toMatchObject({ stack: 'prod', service: 'users@1.0.0', json: true });
  });

  it('does not offer --trust-new-hosts: the Redis password never goes to an unpinned host', async () => {
    expect((await parse(['discovery', 'ls', '--trust-new-hosts'])).error).toMatch(/unknown option '--trust-new-hosts'/);
  });
});
