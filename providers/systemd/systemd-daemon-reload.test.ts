import { describe, expect, it } from 'vitest';
import type { Json } from '../../planner/expr.js';
import { UNKNOWN, type Value } from '../../planner/expr.js';
import type { PlanInput } from '../../planner/resource.js';
import { systemdDaemonReload } from './systemd-daemon-reload.js';
import { answer, fakeContext, FakeNode, observeWith, sha256hex, stateRecord, type FactTable } from '../../test/support/systemd/fakes.js';

const ADDRESS = 'systemd_daemon_reload.app-1';
const AUTH = '[Service]\nExecStart=/bin/sleep infinity\n';
const MAIL = '[Service]\nExecStart=/bin/sleep 1d\n';
const want = { node: 'app-1', units: { 'omnitron-auth.service': sha256hex(AUTH), 'omnitron-mail.service': sha256hex(MAIL) } };

function facts(files: Record<string, string | undefined>, props: Record<string, Record<string, string>> = {}): FactTable {
  return (r) => {
    if (r.kind === 'file') {
      const name = r.path.replace('/etc/systemd/system/', '');
      return files[name] === undefined ? answer.missing() : answer.file(files[name]!);
    }
    if (r.kind === 'unit') return answer.unit(props[r.name] ?? {});
    throw new Error(`unexpected ${r.kind}`);
  };
}

const plan = (table: FactTable, extra: Partial<PlanInput> = {}) =>
  systemdDaemonReload.plan({ address: ADDRESS, desired: want, prior: stateRecord(ADDRESS, 'systemd_daemon_reload', want), observed: observeWith(systemdDaemonReload, ADDRESS, want, table), sensitive: [], ...extra });

describe('systemd_daemon_reload plan', () => {
  it('asks for each unit file and its systemd state', () => {
    expect(systemdDaemonReload.requests(want)).toEqual([
      { kind: 'file', path: '/etc/systemd/system/omnitron-auth.service', content: true }, { kind: 'unit', name: 'omnitron-auth.service' },
      { kind: 'file', path: '/etc/systemd/system/omnitron-mail.service', content: true }, { kind: 'unit', name: 'omnitron-mail.service' },
    ]);
  });

  it('no-op when the files match and systemd loaded them', () => {
    expect(plan(facts({ 'omnitron-auth.service': AUTH, 'omnitron-mail.service': MAIL }))).toEqual({ action: 'noop', reason: 'systemd has loaded every unit file' });
  });

  it('due when a unit file is about to change (edited on disk or new content)', () => {
    expect(plan(facts({ 'omnitron-auth.service': 'edited', 'omnitron-mail.service': MAIL }))).toEqual({
      action: 'update', reason: 'unit files change: omnitron-auth.service',
      diffs: [{ path: 'units.omnitron-auth.service', before: sha256hex('edited'), after: sha256hex(AUTH) }],
    });
    expect(plan(facts({ 'omnitron-auth.service': AUTH }))).toMatchObject({ action: 'update', reason: 'unit files change: omnitron-mail.service' });
  });

  it('due when content config wants is not known yet', () => {
    const unknown: Value = { ...want, units: { ...want.units, 'omnitron-mail.service': UNKNOWN } };
    expect(plan(facts({ 'omnitron-auth.service': AUTH, 'omnitron-mail.service': MAIL }), { desired: unknown }).action).toBe('update');
  });

  it('due when files match config but changed since the last reload (an apply that died before reloading)', () => {
    const before = { ...want, units: { ...want.units, 'omnitron-auth.service': sha256hex('old') } };
    expect(plan(facts({ 'omnitron-auth.service': AUTH, 'omnitron-mail.service': MAIL }), { prior: stateRecord(ADDRESS, 'systemd_daemon_reload', before) })).toMatchObject({ action: 'update', reason: 'units changed since the last reload' });
  });

  it('due when systemd says NeedDaemonReload, or never loaded a file that exists', () => {
    expect(plan(facts({ 'omnitron-auth.service': AUTH, 'omnitron-mail.service': MAIL }, { 'omnitron-mail.service': { NeedDaemonReload: 'yes' } }))).toMatchObject({
      action: 'update', reason: 'systemd has not loaded the current omnitron-mail.service (NeedDaemonReload)',
    });
    expect(plan(facts({ 'omnitron-auth.service': AUTH, 'omnitron-mail.service': MAIL }, { 'omnitron-auth.service': { LoadState: 'not-found' } }))).toMatchObject({ action: 'update' });
  });

  it('first time: create when a reload is due, record when not', () => {
    expect(plan(facts({}), { prior: undefined })).toEqual({ action: 'create', reason: 'unit files change: omnitron-auth.service, omnitron-mail.service' });
    expect(plan(facts({ 'omnitron-auth.service': AUTH, 'omnitron-mail.service': MAIL }), { prior: undefined })).toMatchObject({ action: 'noop', record: true });
  });

  it('removed from config: deleted from state (nothing to undo on the node)', () => {
    expect(plan(facts({}), { desired: undefined })).toEqual({ action: 'delete', reason: 'no longer in config' });
  });
});

describe('systemd_daemon_reload apply', () => {
  it('runs exactly one daemon-reload', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing());
    await systemdDaemonReload.apply(fakeContext({ 'app-1': node }), { action: 'update', address: ADDRESS, attributes: want as unknown as Json });
    expect(node.commands()).toEqual(['systemctl daemon-reload']);
    expect(await systemdDaemonReload.apply(fakeContext({ 'app-1': node }), { action: 'delete', address: ADDRESS })).toBeUndefined();
    expect(node.commands()).toHaveLength(1);
  });
});
