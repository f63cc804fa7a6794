import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Json } from '../../planner/expr.js';
import type { ApplyAction, ApplyOp, Observed } from '../../planner/resource.js';
import { appRelease, type ReleaseSteps } from './app-release.js';
import { answer, fakeContext, FakeNode, observeWith, stateRecord, type FakeAnswer } from '../../test/support/systemd/fakes.js';

const ADDRESS = 'app_release.auth';
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
// The tarball apply wrote: the node checks the upload against its sha256 (the release is named by its digest).
const build = mkdtempSync(path.join(os.tmpdir(), 'omnitron-app-release-'));
afterAll(() => rmSync(build, { recursive: true, force: true }));
const TARBALL = path.join(build, 'auth.tar.gz');
writeFileSync(TARBALL, 'the release tarball');
const want = { node: 'app-1', app: 'auth', root: '/opt/omnitron/apps/auth', release: B, source: TARBALL, owner: 'omnitron-auth' };
const observe = (fact: FakeAnswer): Observed | undefined => observeWith(appRelease, ADDRESS, want, () => fact);
const plan = (fact: FakeAnswer, desired: Json = want) => {
  const observed = observe(fact);
  return appRelease.plan({ address: ADDRESS, desired, prior: stateRecord(ADDRESS, 'app_release', want), sensitive: [], ...(observed ? { observed } : {}) });
};

describe('app_release plan', () => {
  it('current is the release: no-op; another release: update; nothing there: create', () => {
    expect(plan(answer.release(B, [A, B]))).toEqual({ action: 'noop', reason: 'matches config' });
    // An older release running (a rollback) says which runs and which config asks for.
    expect(plan(answer.release(A, [A, B]))).toEqual({ action: 'update', reason: `the config's release ${B.slice(0, 12)} differs from the release that runs, ${A.slice(0, 12)}`, diffs: [{ path: 'release', before: A, after: B }] });
    expect(plan(answer.missing())).toMatchObject({ action: 'create' });
  });

  it('says a release `omnitron rollback` recorded differs from config; a plain config change is just that', () => {
    const observed = observe(answer.release(A, [A, B]));
    const recorded = { ...stateRecord(ADDRESS, 'app_release', { ...want, release: A }), outputs: { current: A, previous: B, rolledBackFrom: B } };
    expect(appRelease.plan({ address: ADDRESS, desired: want, prior: recorded, sensitive: [], observed }).reason).toBe(`the config's release ${B.slice(0, 12)} differs from the release that runs, ${A.slice(0, 12)}`);
    const deployed = { ...stateRecord(ADDRESS, 'app_release', { ...want, release: A }), outputs: { current: A, previous: null } };
    expect(appRelease.plan({ address: ADDRESS, desired: want, prior: deployed, sensitive: [], observed }).reason).toBe('config changed');
  });

  it('current pointing at a deleted release directory is no release', () => {
    const observed = observe(answer.release(B, [A]));
    expect(observed?.attributes).toMatchObject({ release: null, releases: [A] });
    expect(observed?.notes).toEqual([`current points at releases/${B}, which is missing`]);
    expect(plan(answer.release(B, [A])).action).toBe('update');
  });
});

describe('app_release planned steps', () => {
  const steps = (action: ApplyAction, fact: FakeAnswer, prior = stateRecord(ADDRESS, 'app_release', want)) => {
    const observed = observe(fact);
    return appRelease.planSteps(action, { address: ADDRESS, desired: want, prior, sensitive: [], ...(observed ? { observed } : {}) });
  };

  it('a release already on the node is a switch only; a new one is uploaded; either keeps what current was', () => {
    expect(steps('update', answer.release(A, [A, B]))).toEqual({ upload: false, previous: A });
    expect(steps('update', answer.release(C, [A, C]))).toEqual({ upload: true, previous: C });
    expect(steps('create', answer.missing())).toEqual({ upload: true, previous: null });
  });

  it('current already the release keeps the recorded previous; a replace uploads into the new root', () => {
    const prior = stateRecord(ADDRESS, 'app_release', want, { outputs: { current: B, previous: A } });
    expect(steps('update', answer.release(B, [A, B]), prior)).toEqual({ upload: false, previous: A });
    expect(steps('replace', answer.release(B, [A, B]), prior)).toEqual({ upload: true, previous: A });
    expect(steps('delete', answer.release(B, [B]))).toBeUndefined();
  });
});

describe('app_release apply', () => {
  const op = (fact: FakeAnswer, extra: Partial<ApplyOp<ReleaseSteps>> = {}): ApplyOp<ReleaseSteps> => {
    const observed = observe(fact);
    const steps = appRelease.planSteps('update', { address: ADDRESS, desired: want, observed, ...(extra.prior ? { prior: extra.prior } : {}), sensitive: [] });
    return { action: 'update', address: ADDRESS, attributes: want as unknown as Json, observed, steps, ...extra };
  };

  it('a release already on the node (rollback): switch only, keeping what current was', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing());
    const applied = await appRelease.apply(fakeContext({ 'app-1': node }), op(answer.release(A, [A, B])));
    expect(node.calls).toHaveLength(1);
    expect(node.calls[0]).toMatchObject({ kind: 'exec', argv: expect.arrayContaining(['omnitron-switch', '/opt/omnitron/apps/auth', B, A]) });
    expect(applied?.outputs).toEqual({ current: B, previous: A });
  });

  it('a new release is uploaded and extracted first', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing());
    const put: string[] = [];
    node.put = async (path) => { put.push(path); };
    await appRelease.apply(fakeContext({ 'app-1': node }), op(answer.release(C, [A, C])));
    expect(put).toEqual([`/opt/omnitron/apps/auth/releases/.${B}.tar.gz`]);
    expect(node.calls.map((c) => (c.kind === 'exec' ? c.argv[3] : c.kind))).toEqual(['omnitron-release', 'omnitron-switch']);
    expect(node.calls[0]).toMatchObject({ argv: expect.arrayContaining([B, createHash('sha256').update('the release tarball').digest('hex')]) });
    expect(node.calls[1]).toMatchObject({ argv: expect.arrayContaining([B, C]) });
  });

  it('re-applying the current release keeps the recorded previous', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing());
    const prior = stateRecord(ADDRESS, 'app_release', want, { outputs: { current: B, previous: A } });
    const applied = await appRelease.apply(fakeContext({ 'app-1': node }), op(answer.release(B, [A, B]), { prior }));
    expect(applied?.outputs).toEqual({ current: B, previous: A });
  });

  it('delete removes the root, and refuses a shallow one', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing());
    await appRelease.apply(fakeContext({ 'app-1': node }), { action: 'delete', address: ADDRESS, prior: stateRecord(ADDRESS, 'app_release', want) });
    expect(node.commands()).toEqual(['rm -rf -- /opt/omnitron/apps/auth']);
    await expect(appRelease.apply(fakeContext({ 'app-1': node }), { action: 'delete', address: ADDRESS, prior: stateRecord(ADDRESS, 'app_release', { ...want, root: '/opt' }) })).rejects.toThrow('refusing to remove /opt');
  });
});
