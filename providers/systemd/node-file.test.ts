import { describe, expect, it } from 'vitest';
import { UNKNOWN, type Json } from '../../planner/expr.js';
import type { ApplyAction, ApplyOp, Observed, PlanInput } from '../../planner/resource.js';
import { checkKeptContent, type FileSteps } from './live-file.js';
import { nodeFile } from './node-file.js';
import { answer, fakeContext, FakeNode, observeWith, sha256hex, stateRecord, type FactTable } from '../../test/support/systemd/fakes.js';

const ADDRESS = 'node_file.auth_env';
const PATH = "/srv/a b/it's;$(x).conf";
const want = { node: 'app-1', path: PATH, content: 'A=1\nB=2\n', owner: 'auth', group: 'auth', mode: '0640' };

function input(facts: FactTable, extra: Partial<PlanInput> = {}): PlanInput {
  const sensitive = extra.sensitive ?? [];
  const observed = observeWith(nodeFile, ADDRESS, want, facts, { sensitive, desired: true });
  return { address: ADDRESS, desired: want, prior: stateRecord(ADDRESS, 'node_file', want), sensitive, ...(observed ? { observed } : {}), ...extra };
}

describe('node_file plan', () => {
  it('no-op when hash, owner and mode match', () => {
    expect(nodeFile.plan(input(() => answer.file(want.content, { mode: '640', owner: 'auth', group: 'auth' })))).toEqual({ action: 'noop', reason: 'matches config' });
  });

  it('accepts a mode written without the leading 0', () => {
    const three = { ...want, mode: '640' };
    const decision = nodeFile.plan({ ...input(() => answer.file(want.content, { mode: '640', owner: 'auth', group: 'auth' })), desired: three });
    expect(decision.action).toBe('noop');
  });

  it('create when missing; record when found matching but not in state', () => {
    expect(nodeFile.plan(input(() => answer.missing()))).toEqual({ action: 'create', reason: 'deleted outside omnitron' });
    expect(nodeFile.plan(input(() => answer.file(want.content, { mode: '640', owner: 'auth', group: 'auth' }), { prior: undefined }))).toMatchObject({ action: 'noop', record: true });
  });

  it('content edited on the node: update with the old and new text, for a unified diff', () => {
    const decision = nodeFile.plan(input(() => answer.file('A=1\nB=hacked\n', { mode: '640', owner: 'auth', group: 'auth' })));
    expect(decision).toEqual({ action: 'update', reason: 'changed outside omnitron', diffs: [{ path: 'content', before: 'A=1\nB=hacked\n', after: want.content }] });
  });

  it('mode and owner drift are updates on those fields only', () => {
    const decision = nodeFile.plan(input(() => answer.file(want.content, { mode: '644', owner: 'root', group: 'auth' })));
    expect(decision).toMatchObject({ action: 'update', diffs: [{ path: 'mode', before: '0644', after: '0640' }, { path: 'owner', before: 'root', after: 'auth' }] });
  });

  it('secret content is never read back; the diff only says it changed', () => {
    const secret = { ...want, content: 'PASSWORD=hunter2\n', mode: '0600' };
    const facts: FactTable = (r) => {
      expect(r).toEqual({ kind: 'file', path: PATH, content: false });
      return answer.file('PASSWORD=old\n', { mode: '600', owner: 'auth', group: 'auth', withContent: false });
    };
    const observed = observeWith(nodeFile, ADDRESS, secret, facts, { sensitive: ['content'], desired: true })!;
    expect(JSON.stringify(observed)).not.toContain('PASSWORD');
    const decision = nodeFile.plan({ address: ADDRESS, desired: secret, observed, prior: stateRecord(ADDRESS, 'node_file', secret), sensitive: ['content'] });
    expect(decision).toMatchObject({ action: 'update', diffs: [{ path: 'content', sensitive: true }] });
    expect(JSON.stringify((decision as { diffs: unknown }).diffs)).not.toContain('PASSWORD=old');
    const same = observeWith(nodeFile, ADDRESS, secret, () => answer.file(secret.content, { mode: '600', owner: 'auth', group: 'auth', withContent: false }), { sensitive: ['content'], desired: true })!;
    expect(nodeFile.plan({ address: ADDRESS, desired: secret, observed: same, prior: stateRecord(ADDRESS, 'node_file', secret), sensitive: ['content'] }).action).toBe('noop');
  });

  it('refuses a secret any user could read', () => {
    expect(() => nodeFile.plan({ address: ADDRESS, desired: { ...want, mode: '0644' }, sensitive: ['content'] })).toThrow('holds a secret but mode 0644 lets every user on the node read it');
  });

  it('a directory at the path fails the plan, naming the node', () => {
    expect(() => nodeFile.plan(input(() => answer.conflict('directory')))).toThrow(`on node app-1: ${PATH} is a directory, not a regular file`);
  });

  it('a new path replaces; removal from config deletes', () => {
    const decision = nodeFile.plan({ ...input(() => answer.file(want.content, { mode: '640', owner: 'auth', group: 'auth' })), desired: { ...want, path: '/srv/other' } });
    expect(decision).toMatchObject({ action: 'replace', forcedBy: ['path'] });
    expect(nodeFile.plan({ ...input(() => answer.file(want.content)), desired: undefined })).toEqual({ action: 'delete', reason: 'no longer in config' });
  });

  it('unreadable node: trusts state', () => {
    expect(nodeFile.plan({ address: ADDRESS, desired: want, prior: stateRecord(ADDRESS, 'node_file', want), unreadable: 'cannot connect', sensitive: [] }).action).toBe('noop');
  });
});

describe('node_file planned steps', () => {
  const steps = (action: ApplyAction, facts: FactTable, extra: Partial<PlanInput> = {}) => nodeFile.planSteps(action, input(facts, extra));
  const sameContent = () => answer.file(want.content, { mode: '600', owner: 'root', group: 'root' });

  it('an update finding the content on the node only fixes owner and mode; other content is uploaded', () => {
    expect(nodeFile.plan(input(sameContent))).toMatchObject({ action: 'update', diffs: [{ path: 'group' }, { path: 'mode' }, { path: 'owner' }] });
    expect(steps('update', sameContent)).toEqual({ upload: false, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(steps('update', () => answer.file('A=0\n'))).toEqual({ upload: true });
  });

  it('uploads on create and replace, and when the content is not known until apply; a delete plans nothing', () => {
    expect(steps('create', () => answer.missing())).toEqual({ upload: true });
    expect(steps('replace', sameContent)).toEqual({ upload: true });
    expect(steps('update', sameContent, { desired: { ...want, content: UNKNOWN } })).toEqual({ upload: true });
    expect(steps('delete', sameContent, { desired: undefined })).toBeUndefined();
  });

  it('compares secret content by hash without reading it back', () => {
    const facts: FactTable = (r) => (r.kind === 'file' && r.content === false ? answer.file(want.content, { withContent: false }) : answer.missing());
    expect(steps('update', facts, { sensitive: ['content'] })).toEqual({ upload: false, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});

describe('node_file apply', () => {
  const op = (action: ApplyOp['action'], liveSha?: string): ApplyOp<FileSteps> => {
    const observed: Observed | undefined = liveSha ? { address: ADDRESS, type: 'node_file', attributes: { ...want, sha256: liveSha } } : undefined;
    return { action, address: ADDRESS, attributes: want as unknown as Json, ...(observed ? { observed } : {}), steps: nodeFile.planSteps(action, { address: ADDRESS, desired: want, observed, sensitive: [] }) };
  };

  it('uploads when the hash differs', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing());
    const applied = await nodeFile.apply(fakeContext({ 'app-1': node }), op('update', 'f'.repeat(64)));
    expect(node.calls).toEqual([{ kind: 'put', path: PATH, content: want.content, mode: 0o640, owner: 'auth', group: 'auth' }]);
    expect(applied?.outputs).toEqual({ path: PATH, sha256: sha256hex(want.content) });
  });

  it('only fixes owner and mode when the content is already there', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing());
    await nodeFile.apply(fakeContext({ 'app-1': node }), op('update', sha256hex(want.content)));
    expect(node.commands()).toEqual([`chown auth:auth -- '/srv/a b/it'\\''s;$(x).conf'`, `chmod 0640 -- '/srv/a b/it'\\''s;$(x).conf'`]);
  });

  it('replace removes the file where state recorded it, then writes the new path', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing());
    const moved = { ...want, path: '/srv/new.conf' };
    const replace: ApplyOp<FileSteps> = {
      action: 'replace', address: ADDRESS, attributes: moved, prior: stateRecord(ADDRESS, 'node_file', want),
      observed: { address: ADDRESS, type: 'node_file', attributes: { ...moved, sha256: 'f'.repeat(64) } }, steps: { upload: true },
    };
    await nodeFile.apply(fakeContext({ 'app-1': node }), replace);
    expect(node.calls).toEqual([
      { kind: 'exec', argv: ['rm', '-f', '--', PATH], privileged: true },
      { kind: 'put', path: '/srv/new.conf', content: want.content, mode: 0o640, owner: 'auth', group: 'auth' },
    ]);
  });

  it('delete removes the file; failures name the node', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing()).respond(['rm'], { code: 1, stderr: 'rm: Read-only file system' });
    const del: ApplyOp<FileSteps> = { action: 'delete', address: ADDRESS, prior: stateRecord(ADDRESS, 'node_file', want) };
    await expect(nodeFile.apply(fakeContext({ 'app-1': node }), del)).rejects.toThrow(/^on node app-1: command rm -f -- .* exited with 1: rm: Read-only file system$/);
    await expect(nodeFile.apply(fakeContext({ 'app-1': 'cannot connect to node app-1 (root@10.0.0.1:22): connection refused' }), op('create'))).rejects.toMatchObject({
      address: ADDRESS, message: 'cannot connect to node app-1 (root@10.0.0.1:22): connection refused',
    });
  });
});

describe('kept content', () => {
  it('apply refuses to record content the plan did not see on the node', () => {
    const kept = { upload: false as const, sha256: sha256hex('a') };
    expect(() => checkKeptContent('node_file.x', kept, sha256hex('a'))).not.toThrow();
    expect(() => checkKeptContent('node_file.x', kept, sha256hex('b'))).toThrow(/internal: node_file.x was planned to keep content .*please report/);
    expect(() => checkKeptContent('node_file.x', { upload: true }, sha256hex('b'))).not.toThrow();
  });
});
