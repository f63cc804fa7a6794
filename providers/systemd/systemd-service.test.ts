import { describe, expect, it } from 'vitest';
import type { Json } from '../../planner/expr.js';
import { UNKNOWN } from '../../planner/expr.js';
import type { ApplyOp, Observed, PlanInput } from '../../planner/resource.js';
import { inputsMarkerPath } from './commands.js';
import { parseMarker, UNIT_EDITED } from './service-status.js';
import { serviceSteps, systemdService } from './systemd-service.js';
import { answer, fakeContext, FakeNode, observeWith, stateRecord, type FakeAnswer } from './test-fakes.js';

const ADDRESS = 'systemd_service.auth';
const NAME = 'omnitron-auth.service';
const want = { node: 'app-1', name: NAME, enabled: true, active: true, inputs: 'in-1' };

function observe(unit: FakeAnswer, marker: FakeAnswer = answer.marker('in-1', 'unit-sha')): Observed | undefined {
  return observeWith(systemdService, ADDRESS, want, (r) => {
    if (r.kind === 'unit') return unit;
    expect(r).toEqual({ kind: 'marker', path: inputsMarkerPath(NAME) });
    return marker;
  });
}

const plan = (observed: Observed | undefined, extra: Partial<PlanInput> = {}) =>
  systemdService.plan({ address: ADDRESS, desired: want, prior: stateRecord(ADDRESS, 'systemd_service', want), sensitive: [], ...(observed ? { observed } : {}), ...extra });

describe('systemd_service plan', () => {
  it('no-op says the unit is running', () => {
    expect(plan(observe(answer.unit({}, 'unit-sha')))).toEqual({ action: 'noop', reason: `unit ${NAME} is active (running)` });
  });

  it('a failed unit is runtime drift, with restarts and exit status', () => {
    const decision = plan(observe(answer.unit({ ActiveState: 'failed', SubState: 'failed', NRestarts: 4, ExecMainStatus: 1 }, 'unit-sha')));
    expect(decision).toEqual({ action: 'update', reason: `unit ${NAME} is failed (NRestarts 4, exit 1)`, diffs: [{ path: 'active', before: false, after: true }] });
  });

  it('a stopped unit: update "inactive"; a crash-looping one: "activating (auto-restart…)"', () => {
    expect(plan(observe(answer.unit({ ActiveState: 'inactive', SubState: 'dead', ExecMainCode: 2, ExecMainStatus: 15 }, 'unit-sha')))).toMatchObject({ action: 'update', reason: `unit ${NAME} is inactive (dead, NRestarts 0, signal 15)` });
    expect(plan(observe(answer.unit({ ActiveState: 'activating', SubState: 'auto-restart', NRestarts: 3, ExecMainStatus: 1 }, 'unit-sha')))).toMatchObject({
      reason: `unit ${NAME} is activating (auto-restart, NRestarts 3, exit 1)`,
    });
  });

  it('new inputs → update "inputs changed"', () => {
    expect(plan(observe(answer.unit({}, 'unit-sha'), answer.marker('in-0', 'unit-sha')))).toEqual({
      action: 'update', reason: 'inputs changed', diffs: [{ path: 'inputs', before: 'in-0', after: 'in-1' }],
    });
    expect(plan(observe(answer.unit({}, 'unit-sha')), { desired: { ...want, inputs: UNKNOWN } })).toMatchObject({ action: 'update', reason: 'inputs changed' });
  });

  it('a unit file edited on disk since the last restart counts as changed inputs', () => {
    const observed = observe(answer.unit({}, 'edited-sha'));
    expect(observed?.notes).toContain(UNIT_EDITED);
    expect(plan(observed)).toMatchObject({ action: 'update', reason: `inputs changed (${UNIT_EDITED})` });
  });

  it('enabled drift, and several causes at once', () => {
    expect(plan(observe(answer.unit({ UnitFileState: 'disabled' }, 'unit-sha')))).toMatchObject({ action: 'update', reason: 'not enabled' });
    expect(plan(observe(answer.unit({ ActiveState: 'failed', SubState: 'failed', UnitFileState: 'disabled' }, 'unit-sha'), answer.marker('in-0', 'unit-sha')))).toMatchObject({
      reason: `unit ${NAME} is failed (NRestarts 0, exit 0); inputs changed; not enabled`,
    });
  });

  it('a unit systemd does not know and no marker: not found; desired inactive and running: stop', () => {
    expect(observe(answer.unit({ LoadState: 'not-found', ActiveState: 'inactive', SubState: 'dead' }), answer.missing())).toBeUndefined();
    expect(plan(undefined, { prior: undefined })).toEqual({ action: 'create', reason: 'not found' });
    expect(plan(observe(answer.unit({}, 'unit-sha')), { desired: { ...want, active: false } })).toMatchObject({ action: 'update', diffs: [{ path: 'active', before: true, after: false }] });
  });

  it('another node or unit name replaces (stopping the old one)', () => {
    expect(plan(observe(answer.unit({}, 'unit-sha')), { desired: { ...want, node: 'app-2' } })).toEqual({
      action: 'replace', reason: 'config changed', diffs: [{ path: 'node', before: 'app-1', after: 'app-2', forcesReplacement: true }], forcedBy: ['node'],
    });
  });

  it('found running without state: recorded', () => {
    expect(plan(observe(answer.unit({}, 'unit-sha')), { prior: undefined })).toMatchObject({ action: 'noop', record: true });
  });
});

describe('serviceSteps', () => {
  const live = (unit: FakeAnswer, marker?: FakeAnswer) => observe(unit, marker);
  it('restart on new inputs (resetting a failed unit first), start when only down, nothing when fine', () => {
    expect(serviceSteps(want, undefined)).toEqual({ enable: true, run: 'restart', resetFailed: false });
    expect(serviceSteps(want, live(answer.unit({}, 'unit-sha'), answer.marker('in-0', 'unit-sha')))).toEqual({ enable: true, run: 'restart', resetFailed: false });
    expect(serviceSteps(want, live(answer.unit({ ActiveState: 'failed' }, 'unit-sha')))).toEqual({ enable: true, run: 'start', resetFailed: true });
    expect(serviceSteps(want, live(answer.unit({}, 'unit-sha')))).toEqual({ enable: true, run: undefined, resetFailed: false });
    expect(serviceSteps(want, live(answer.unit({}, 'edited')))).toMatchObject({ run: 'restart' });
    expect(serviceSteps({ ...want, active: false, enabled: false }, live(answer.unit({}, 'unit-sha')))).toEqual({ enable: false, run: 'stop', resetFailed: false });
  });
});

describe('systemd_service apply', () => {
  const op = (observed?: Observed, extra: Partial<ApplyOp> = {}): ApplyOp => ({ action: 'update', address: ADDRESS, attributes: want as unknown as Json, ...(observed ? { observed } : {}), ...extra });

  it('enables, restarts, records the inputs, waits until active', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing()).respond(['systemctl', 'show'], { stdout: 'ActiveState=active\nSubState=running\nNRestarts=0\nExecMainStatus=0\n' });
    const applied = await systemdService.apply(fakeContext({ 'app-1': node }), op(observe(answer.unit({}, 'unit-sha'), answer.marker('in-0'))));
    const commands = node.commands();
    expect(commands.slice(0, 2)).toEqual([`systemctl enable -- ${NAME}`, `systemctl restart -- ${NAME}`]);
    expect(commands[2]).toMatch(/^sh -c .* omnitron-marker \/var\/lib\/omnitron\/inputs omnitron-auth.service in-1$/s);
    expect(commands.slice(3).every((c) => c === `systemctl show -p ActiveState,SubState,NRestarts,ExecMainCode,ExecMainStatus -- ${NAME}`)).toBe(true);
    expect(applied?.outputs).toEqual({ name: NAME, inputs: 'in-1' });
  });

  it('a unit that fails to start: ProviderError naming node and unit, with the journal', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing())
      .respond(['systemctl', 'show'], { stdout: 'ActiveState=failed\nSubState=failed\nNRestarts=2\nExecMainStatus=1\n' })
      .respond(['journalctl'], { stdout: 'auth[12]: Error: listen EADDRINUSE :::3000\n' });
    await expect(systemdService.apply(fakeContext({ 'app-1': node }), op(observe(answer.unit({}, 'unit-sha'), answer.marker('in-0'))))).rejects.toMatchObject({
      address: ADDRESS,
      message: `on node app-1: unit ${NAME} is failed (NRestarts 2, exit 1) after start\nlast journal lines:\nauth[12]: Error: listen EADDRINUSE :::3000`,
    });
    expect(node.calls).toContainEqual({ kind: 'exec', argv: ['journalctl', `--unit=${NAME}`, '-n', '30', '--no-pager', '-o', 'short-iso'], privileged: true });
  });

  it('times out on a unit stuck activating', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing()).respond(['systemctl', 'show'], { stdout: 'ActiveState=activating\nSubState=auto-restart\nNRestarts=7\nExecMainStatus=1\n' });
    await expect(systemdService.apply(fakeContext({ 'app-1': node }), op(undefined, { startupTimeout: 0.2 }))).rejects.toThrow(`unit ${NAME} is activating (auto-restart, NRestarts 7, exit 1): not active within 0.2 s`);
  });

  it('delete stops, disables and forgets, tolerating a unit already gone', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing()).respond(['systemctl', 'disable'], { code: 1, stderr: `Failed to disable unit: Unit file ${NAME} does not exist.` });
    await systemdService.apply(fakeContext({ 'app-1': node }), { action: 'delete', address: ADDRESS, prior: stateRecord(ADDRESS, 'systemd_service', want) });
    expect(node.commands()).toEqual([`systemctl stop -- ${NAME}`, `systemctl disable -- ${NAME}`, `rm -f -- /var/lib/omnitron/inputs/${NAME}`]);
  });
});

describe('parseMarker', () => {
  it('reads inputs and unit hash', () => {
    expect(parseMarker('inputs abc\nunit def\n')).toEqual({ inputs: 'abc', unit: 'def' });
    expect(parseMarker('inputs abc\nunit \n')).toEqual({ inputs: 'abc', unit: '' });
  });
});
