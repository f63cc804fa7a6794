import { describe, expect, it } from 'vitest';
import type { Json } from '../../planner/expr.js';
import type { ApplyOp, Observed } from '../../planner/resource.js';
import type { FileSteps } from './live-file.js';
import { nodeArtifact } from './node-artifact.js';
import { answer, fakeContext, FakeNode, observeWith, sha256hex, stateRecord, type FakeAnswer } from '../../test/support/systemd/fakes.js';

const ADDRESS = 'node_artifact.node';
const BINARY = 'pretend this is node';
const want = { node: 'app-1', path: '/usr/local/bin/node', sha256: sha256hex(BINARY), source: '/cache/node-v24.gz', mode: '0755', compressed: true };
const plan = (fact: FakeAnswer, desired: Json = want) => {
  const observed = observeWith(nodeArtifact, ADDRESS, want, (r) => {
    expect(r).toEqual({ kind: 'file', path: '/usr/local/bin/node', content: false, cachedHash: true });
    return fact;
  });
  return nodeArtifact.plan({ address: ADDRESS, desired, prior: stateRecord(ADDRESS, 'node_artifact', want), sensitive: [], ...(observed ? { observed } : {}) });
};

describe('node_artifact plan', () => {
  it('compares by sha256 (never reading the content) and mode; the local source path does not matter', () => {
    expect(plan(answer.file(BINARY, { mode: '755', withContent: false }))).toEqual({ action: 'noop', reason: 'matches config' });
    expect(plan(answer.file(BINARY, { mode: '755', withContent: false }), { ...want, source: '/elsewhere/node.gz' }).action).toBe('noop');
    expect(plan(answer.file('older node', { mode: '755', withContent: false }))).toMatchObject({ action: 'update', diffs: [{ path: 'sha256', before: sha256hex('older node'), after: want.sha256 }] });
    expect(plan(answer.file(BINARY, { mode: '700', withContent: false }))).toMatchObject({ action: 'update', diffs: [{ path: 'mode' }] });
    expect(plan(answer.missing())).toMatchObject({ action: 'create' });
  });
});

describe('node_artifact planned steps', () => {
  const input = (fact: FakeAnswer, desired: Json = want) => {
    const observed = observeWith(nodeArtifact, ADDRESS, want, () => fact);
    return { address: ADDRESS, desired, prior: stateRecord(ADDRESS, 'node_artifact', want), sensitive: [], ...(observed ? { observed } : {}) };
  };

  it('the same sha256 on the node: chmod only; another one, a create or a replace: upload', () => {
    expect(nodeArtifact.planSteps('update', input(answer.file(BINARY, { mode: '700', withContent: false })))).toEqual({ upload: false, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(nodeArtifact.planSteps('update', input(answer.file('older node', { mode: '755', withContent: false })))).toEqual({ upload: true });
    expect(nodeArtifact.planSteps('create', input(answer.missing()))).toEqual({ upload: true });
    expect(nodeArtifact.planSteps('replace', input(answer.file(BINARY, { mode: '755', withContent: false }), { ...want, path: '/opt/node' }))).toEqual({ upload: true });
  });
});

describe('node_artifact apply', () => {
  const op = (live?: string): ApplyOp<FileSteps> => {
    const observed: Observed | undefined = live ? { address: ADDRESS, type: 'node_artifact', attributes: { ...want, sha256: live } } : undefined;
    return { action: 'update', address: ADDRESS, attributes: want as unknown as Json, ...(observed ? { observed } : {}), steps: nodeArtifact.planSteps('update', { address: ADDRESS, desired: want, observed, sensitive: [] }) };
  };

  it('same sha256: chmod only, no upload', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing());
    await nodeArtifact.apply(fakeContext({ 'app-1': node }), op(want.sha256));
    expect(node.commands()).toEqual(['chmod 0755 -- /usr/local/bin/node']);
  });

  it('a missing local source is a clear error before anything is sent', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing());
    await expect(nodeArtifact.apply(fakeContext({ 'app-1': node }), op('0'.repeat(64)))).rejects.toThrow('cannot read the local source /cache/node-v24.gz: ENOENT');
    expect(node.calls).toEqual([]);
  });

  it('a binary for another machine type is refused before the upload, naming the node and both types', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing()).respond(['uname', '-m'], { stdout: 'aarch64\n' });
    const arm = { ...op('0'.repeat(64)), attributes: { ...want, source: import.meta.filename, machine: 'x86_64' } as unknown as Json };
    await expect(nodeArtifact.apply(fakeContext({ 'app-1': node }), arm)).rejects.toThrow('node app-1 is aarch64, and /usr/local/bin/node is built for x86_64');
    expect(node.commands()).toEqual(['uname -m']);
  });
});
