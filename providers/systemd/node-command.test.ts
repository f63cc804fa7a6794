import { describe, expect, it } from 'vitest';
import type { PlanInput } from '../../planner/resource.js';
import { nodeCommand } from './node-command.js';
import { answer, fakeContext, FakeNode, observeWith, stateRecord } from '../../test/support/systemd/fakes.js';

const ADDRESS = 'node_command.search-1.search_install';
const want = { node: 'search-1', command: 'install-search', unless: 'search --version' };
const plan = (passes: boolean, extra: Partial<PlanInput> = {}) => {
  const observed = observeWith(nodeCommand, ADDRESS, want, () => (passes ? answer.command(0, 'search 8.1.0') : answer.command(127, '', 'search: not found')));
  return nodeCommand.plan({ address: ADDRESS, desired: want, sensitive: [], ...(observed ? { observed } : {}), ...extra });
};

describe('node_command: an install command and what waits on it', () => {
  it('runs while its unless check fails; records that it is installed once it passes', () => {
    expect(plan(false)).toEqual({ action: 'create', reason: '`search --version` fails' });
    expect(plan(true)).toEqual({ action: 'noop', reason: '`search --version` succeeds', record: true });
    expect(plan(true, { prior: { ...stateRecord(ADDRESS, 'node_command', want), outputs: { installed: true } } })).toEqual({ action: 'noop', reason: '`search --version` succeeds' });
  });

  it('a record from before the `installed` output is recorded again, so the version check waiting on it can run', () => {
    expect(plan(true, { prior: { ...stateRecord(ADDRESS, 'node_command', want), outputs: {} } })).toEqual({ action: 'noop', reason: '`search --version` succeeds', record: true });
    expect(nodeCommand.recordOutputs()).toEqual({ installed: true });
  });

  it('apply runs the command as one `sh -c` word and outputs `installed`', async () => {
    const node = new FakeNode('node.search-1', () => answer.missing());
    const applied = await nodeCommand.apply(fakeContext({ 'search-1': node }), { action: 'create', address: ADDRESS, attributes: want });
    expect(applied?.outputs).toEqual({ installed: true });
    expect(node.commands()).toEqual(['sh -c install-search']);
  });
});
