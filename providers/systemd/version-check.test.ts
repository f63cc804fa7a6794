import { describe, expect, it } from 'vitest';
import type { Json } from '../../planner/expr.js';
import { ref, resolve, UNKNOWN, type Value } from '../../planner/expr.js';
import type { PlanInput, ProviderError } from '../../planner/resource.js';
import { versionCheck } from './version-check.js';
import { answer, fakeContext, FakeNode, observeWith, stateRecord, type FakeAnswer } from '../../test/support/systemd/fakes.js';

const ADDRESS = 'version_check.postgres';
const want = { node: 'db-1', service: 'postgres', command: 'postgres --version', range: '>=15', user: 'postgres' };
const plan = (fact: FakeAnswer, extra: Partial<PlanInput> = {}) => {
  const observed = observeWith(versionCheck, ADDRESS, want, (r) => {
    expect(r).toEqual({ kind: 'command', command: 'postgres --version', user: 'postgres' });
    return fact;
  });
  return versionCheck.plan({ address: ADDRESS, desired: want, prior: stateRecord(ADDRESS, 'version_check', want), sensitive: [], ...(observed ? { observed } : {}), ...extra });
};

describe('version_check plan', () => {
  it('satisfied: no-op saying so', () => {
    expect(plan(answer.command(0, 'postgres (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)\n'))).toEqual({ action: 'noop', reason: 'postgres 15.8 satisfies >=15' });
    expect(plan(answer.command(0, '', 'OpenSSH_9.2, OpenSSL 3.0.20'), { desired: { ...want, range: '^9' } })).toEqual({ action: 'noop', reason: 'postgres 9.2 satisfies ^9' });
  });

  it('not satisfied: the plan fails naming node, service, version, range and command', () => {
    expect(() => plan(answer.command(0, 'postgres (PostgreSQL) 14.2\n'))).toThrow('on node db-1: postgres version check `postgres --version` printed postgres 14.2, which does not satisfy >=15');
  });

  it('command failed: the plan fails with its stderr; no version printed: says so', () => {
    expect(() => plan(answer.command(127, '', 'sh: 1: postgres: not found\n'))).toThrow('on node db-1: postgres version check `postgres --version` exited with 127: sh: 1: postgres: not found');
    expect(() => plan(answer.command(0, 'ok\n'))).toThrow('printed no version (x.y or x.y.z)');
  });

  it('a failure says which unprivileged user the command ran as', () => {
    try {
      plan(answer.command(1, '', 'cat: /root/v: Permission denied', 'nobody'));
      expect.unreachable();
    } catch (err) {
      expect((err as ProviderError).hint).toBe('is the service installed on the node, and validateCommand right (it runs as nobody, not root)?');
    }
  });

  it('a sensitive command is not shown', () => {
    expect(() => plan(answer.command(1, '', 'denied'), { sensitive: ['command'] })).toThrow('postgres version check `(sensitive command)` exited with 1: denied');
  });

  it('waiting on something this apply installs: checked during apply; nothing run at plan time', () => {
    const pending = resolve({ ...want, after: ref('apt_package.postgres', 'version') }, () => undefined) as { [key: string]: Value };
    expect(pending.after).toBe(UNKNOWN);
    expect(versionCheck.requests(pending, { sensitive: [], desired: true })).toEqual([]);
    expect(versionCheck.plan({ address: ADDRESS, desired: pending, sensitive: [] })).toEqual({ action: 'create', reason: 'checked during apply, after what it depends on' });
  });

  it('removed from config: forgotten, never run', () => {
    expect(versionCheck.requests(want, { sensitive: [], desired: false })).toEqual([]);
    expect(versionCheck.plan({ address: ADDRESS, prior: stateRecord(ADDRESS, 'version_check', want), sensitive: [] })).toEqual({ action: 'delete', reason: 'no longer in config' });
  });
});

describe('version_check apply', () => {
  it('runs the command through the probe, as plan does (unprivileged, on stdin), and records the version, or fails like the plan', async () => {
    const asked: unknown[] = [];
    const node = new FakeNode('node.db-1', (r) => { asked.push(r); return answer.command(0, 'postgres (PostgreSQL) 15.8\n', '', 'postgres'); });
    const applied = await versionCheck.apply(fakeContext({ 'db-1': node }), { action: 'create', address: ADDRESS, attributes: want as unknown as Json });
    expect(applied?.outputs).toEqual({ version: '15.8' });
    expect(asked).toEqual([{ kind: 'command', command: 'postgres --version', user: 'postgres' }]);
    expect(node.commands()).toHaveLength(1);
    expect(node.commands()[0]).not.toContain('postgres --version');
    const old = new FakeNode('node.db-1', () => answer.command(0, '14.1'));
    await expect(versionCheck.apply(fakeContext({ 'db-1': old }), { action: 'create', address: ADDRESS, attributes: want as unknown as Json })).rejects.toThrow('printed postgres 14.1, which does not satisfy >=15');
  });
});
