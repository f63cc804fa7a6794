import { describe, expect, it } from 'vitest';
import type { Json } from '../../planner/expr.js';
import { nodeDirectory } from './node-directory.js';
import { answer, fakeContext, FakeNode, observeWith, stateRecord, type FakeAnswer } from '../../test/support/systemd/fakes.js';

const ADDRESS = 'node_directory.auth_state';
const PATH = "/srv/a b/it's;$(x)";
const want = { node: 'app-1', path: PATH, owner: 'auth', group: 'auth', mode: '0750' };
const plan = (fact: FakeAnswer, desired: Json = want) => {
  const observed = observeWith(nodeDirectory, ADDRESS, want, () => fact);
  return nodeDirectory.plan({ address: ADDRESS, desired, prior: stateRecord(ADDRESS, 'node_directory', want), sensitive: [], ...(observed ? { observed } : {}) });
};

describe('node_directory plan', () => {
  it('no-op, create, mode drift', () => {
    expect(plan(answer.dir('750', 'auth', 'auth'))).toEqual({ action: 'noop', reason: 'matches config' });
    expect(plan(answer.dir('750', 'auth', 'auth'), { ...want, mode: '750' }).action).toBe('noop');
    expect(plan(answer.missing())).toEqual({ action: 'create', reason: 'deleted outside omnitron' });
    expect(plan(answer.dir('777', 'auth', 'auth'))).toMatchObject({ action: 'update', diffs: [{ path: 'mode', before: '0777', after: '0750' }] });
  });

  it('a file where the directory should be fails the plan', () => {
    expect(() => plan(answer.conflict('regular file'))).toThrow(`on node app-1: ${PATH} is a regular file, not a directory`);
  });
});

describe('node_directory apply', () => {
  it('install -d with mode and owner; delete only an empty directory, warning otherwise', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing()).respond(['rmdir'], { code: 1, stderr: `rmdir: failed to remove '${PATH}': Directory not empty` });
    const ctx = fakeContext({ 'app-1': node });
    await nodeDirectory.apply(ctx, { action: 'create', address: ADDRESS, attributes: want as unknown as Json });
    expect(node.calls[0]).toMatchObject({ argv: ['install', '-d', '-m', '0750', '-o', 'auth', '-g', 'auth', '--', PATH] });
    expect(await nodeDirectory.apply(ctx, { action: 'delete', address: ADDRESS, prior: stateRecord(ADDRESS, 'node_directory', want) })).toBeUndefined();
    expect(node.calls[1]).toMatchObject({ argv: ['rmdir', '--', PATH] });
    expect(ctx.events).toContainEqual({ kind: 'warning', address: ADDRESS, message: `directory ${PATH} on node app-1 was kept: rmdir: failed to remove '${PATH}': Directory not empty` });
  });
});
