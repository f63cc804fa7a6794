import { describe, expect, it } from 'vitest';
import { formatAge, renderNodesText } from './discovery-text.js';
import { NODES as nodes, NOW } from '../../test/fixtures/views/discovery-nodes.js';

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
});
