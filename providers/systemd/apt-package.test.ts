import { describe, expect, it } from 'vitest';
import type { Json } from '../../planner/expr.js';
import type { ApplyOp, PlanInput } from '../../planner/resource.js';
import { aptPackage } from './apt-package.js';
import { answer, fakeContext, FakeNode, observeWith, stateRecord, type FakeAnswer } from '../../test/support/systemd/fakes.js';

const ADDRESS = 'apt_package.redis';
const want = { node: 'db-1', name: 'redis-server', version: '^7.0' };
const { version: _range, ...unranged } = want;

const plan = (fact: FakeAnswer, extra: Partial<PlanInput> = {}) => {
  const observed = observeWith(aptPackage, ADDRESS, want, () => fact);
  return aptPackage.plan({ address: ADDRESS, desired: want, prior: stateRecord(ADDRESS, 'apt_package', want), sensitive: [], ...(observed ? { observed } : {}), ...extra });
};

describe('apt_package plan', () => {
  it('installed inside the range: no-op naming the version', () => {
    expect(plan(answer.pkg('5:7.0.15-1~deb12u1'))).toEqual({ action: 'noop', reason: 'redis-server 5:7.0.15-1~deb12u1 satisfies ^7.0' });
    expect(plan(answer.pkg('5:7.0.15-1~deb12u1'), { desired: unranged })).toEqual({ action: 'noop', reason: 'redis-server 5:7.0.15-1~deb12u1 is installed' });
  });

  it('installed outside the range: the plan fails naming node, package, version and range', () => {
    expect(() => plan(answer.pkg('5:6.0.16-1+deb11u2'))).toThrow('on node db-1: package redis-server 5:6.0.16-1+deb11u2 is installed, which does not satisfy ^7.0');
  });

  it('not installed (or only config files left): create', () => {
    expect(plan(answer.missing(), { prior: undefined })).toEqual({ action: 'create', reason: 'not installed' });
    expect(plan(answer.pkg('5:7.0.15-1', 'rc '))).toEqual({ action: 'create', reason: 'no longer installed' });
  });

  it('an invalid range fails the plan', () => {
    expect(() => plan(answer.pkg('7.0'), { desired: { ...want, version: 'seven' } })).toThrow('version "seven" is not a semver range');
  });

  it('removal from config only forgets it: packages are never removed', () => {
    expect(plan(answer.pkg('7.0'), { desired: undefined })).toEqual({ action: 'delete', reason: 'no longer in config (packages are never removed, state only forgets it)' });
  });

  it('unreadable node: trusts state, or plans the install', () => {
    expect(aptPackage.plan({ address: ADDRESS, desired: want, prior: stateRecord(ADDRESS, 'apt_package', want), unreadable: 'cannot connect', sensitive: [] })).toEqual({ action: 'noop', reason: 'could not read (cannot connect); state says it is installed' });
  });
});

describe('apt_package apply', () => {
  const op = (name: string): ApplyOp => ({ action: 'create', address: `apt_package.${name}`, attributes: { node: 'db-1', name } as Json });

  it('runs apt-get update once per node per run, installs serially, non-interactively', async () => {
    const node = new FakeNode('node.db-1', () => answer.missing()).respond(['dpkg-query'], { stdout: '1.8.0-1+b1' });
    const ctx = fakeContext({ 'db-1': node });
    const outputs = await Promise.all([aptPackage.apply(ctx, op('tree')), aptPackage.apply(ctx, op('jq'))]);
    expect(outputs.map((o) => o?.outputs)).toEqual([{ version: '1.8.0-1+b1' }, { version: '1.8.0-1+b1' }]);
    const argvs = node.calls.flatMap((c) => (c.kind === 'exec' ? [c.argv.join(' ')] : []));
    expect(argvs).toEqual([
      'apt-get -o DPkg::Lock::Timeout=300 -q update',
      'apt-get -o DPkg::Lock::Timeout=300 -q install -y --no-install-recommends tree', 'dpkg-query -W -f=${Version} -- tree',
      'apt-get -o DPkg::Lock::Timeout=300 -q install -y --no-install-recommends jq', 'dpkg-query -W -f=${Version} -- jq',
    ]);
    expect(node.calls.filter((c) => c.kind === 'exec' && c.argv[0] === 'apt-get').every((c) => c.kind === 'exec' && c.env?.DEBIAN_FRONTEND === 'noninteractive')).toBe(true);
    const nextRun = new FakeNode('node.db-1', () => answer.missing());
    await aptPackage.apply(fakeContext({ 'db-1': nextRun }), op('tree'));
    expect(nextRun.calls[0]).toMatchObject({ kind: 'exec', argv: ['apt-get', '-o', 'DPkg::Lock::Timeout=300', '-q', 'update'] });
  });

  it('a failed update is retried by the next install; an install outside the range fails', async () => {
    const node = new FakeNode('node.db-1', () => answer.missing()).respond(['apt-get', '-o', 'DPkg::Lock::Timeout=300', '-q', 'update'], { code: 100, stderr: 'E: Could not resolve deb.debian.org' });
    const ctx = fakeContext({ 'db-1': node });
    await expect(aptPackage.apply(ctx, op('tree'))).rejects.toThrow(/^on node db-1: command .* exited with 100: E: Could not resolve deb.debian.org$/);
    const ok = new FakeNode('node.db-1', () => answer.missing()).respond(['dpkg-query'], { stdout: '6.0.1-1' });
    await expect(aptPackage.apply(fakeContext({ 'db-1': ok }), { ...op('redis-server'), attributes: { node: 'db-1', name: 'redis-server', version: '>=7' } })).rejects.toThrow('on node db-1: apt installed redis-server 6.0.1-1, which does not satisfy >=7');
  });

  it('delete does nothing on the node', async () => {
    const node = new FakeNode('node.db-1', () => answer.missing());
    expect(await aptPackage.apply(fakeContext({ 'db-1': node }), { action: 'delete', address: ADDRESS })).toBeUndefined();
    expect(node.calls).toEqual([]);
  });
});
