import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Json, Value } from '../../planner/expr.js';
import { UNKNOWN } from '../../planner/expr.js';
import type { ApplyAction, ApplyOp, Observed, PlanInput } from '../../planner/resource.js';
import { inputsMarkerPath, writeInputsMarker } from './commands.js';
import { parseMarker, UNIT_EDITED, type ServiceSteps } from './service-status.js';
import { serviceSteps, systemdService } from './systemd-service.js';
import { answer, fakeContext, FakeNode, observeWith, stateRecord, type FakeAnswer } from '../../test/support/systemd/fakes.js';

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

/** The steps the plan hands apply for an update of `desired` against `observed`. */
const stepsFor = (desired: Value, observed: Observed | undefined, action: ApplyAction = 'update', extra: Partial<PlanInput> = {}) =>
  systemdService.planSteps(action, { address: ADDRESS, desired, sensitive: [], ...(observed ? { observed } : {}), ...extra })!;

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

describe('systemd_service running the agent', () => {
  const failedApps = (o: Observed | undefined): Observed => ({ ...o!, runtime: [
    { target: 'app-1', app: 'ledger', state: 'failed', restarts: 5, lastExit: 'exit code 3' },
    { target: 'app-1', app: 'media', state: 'crash-looping', restarts: 2 },
  ] });

  it('an app the agent gave up on is an update: a reload starts it again; a crash-looping one is left to the agent', () => {
    const decision = plan(failedApps(observe(answer.unit({}, 'unit-sha'))));
    expect(decision).toEqual({ action: 'update', reason: 'apps not running: ledger failed; a reload starts them again', diffs: [{ path: 'apps', before: 'ledger failed', after: 'running' }] });
    expect(serviceSteps(want, failedApps(observe(answer.unit({}, 'unit-sha'))))).toEqual({ enable: true, run: 'reload', resetFailed: false });
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

describe('systemd_service planned steps', () => {
  const running = () => observe(answer.unit({}, 'unit-sha'));
  const agent = { ...want, agentStatus: '/run/omnitron/agent-status.json' };
  const observeAgent = (unit: FakeAnswer, marker: FakeAnswer) => observeWith(systemdService, ADDRESS, agent, (r) => (r.kind === 'unit' ? unit : r.kind === 'marker' ? marker : answer.missing()));

  it('a --replace at the same node and unit starts from nothing: the unit observe saw is stopped first', () => {
    const prior = stateRecord(ADDRESS, 'systemd_service', want);
    expect(stepsFor(want, running(), 'update')).toEqual({ enable: true, run: undefined, resetFailed: false });
    expect(stepsFor(want, running(), 'replace', { prior })).toEqual({ enable: true, run: 'restart', resetFailed: false });
  });

  it('a --replace of a unit that failed (e.g. hit its start limit) resets it before starting', () => {
    const prior = stateRecord(ADDRESS, 'systemd_service', want);
    const failed = observe(answer.unit({ ActiveState: 'failed' }, 'unit-sha'));
    expect(stepsFor(want, failed, 'replace', { prior })).toEqual({ enable: true, run: 'restart', resetFailed: true });
  });

  it('a replace onto another node goes by what observe found there', () => {
    const prior = stateRecord(ADDRESS, 'systemd_service', { ...want, node: 'app-0' });
    expect(stepsFor(want, running(), 'replace', { prior })).toEqual({ enable: true, run: undefined, resetFailed: false });
    expect(stepsFor(want, undefined, 'replace', { prior })).toEqual({ enable: true, run: 'restart', resetFailed: false });
  });

  it('an agent that is up hands its apps over on new inputs; one that is down is restarted', () => {
    expect(stepsFor(agent, observeAgent(answer.unit({}, 'unit-sha'), answer.marker('in-0', 'unit-sha')))).toEqual({ enable: true, run: 'handover', resetFailed: false });
    expect(stepsFor(agent, observeAgent(answer.unit({ ActiveState: 'failed' }, 'unit-sha'), answer.marker('in-0', 'unit-sha')))).toEqual({ enable: true, run: 'restart', resetFailed: true });
    expect(stepsFor(agent, observeAgent(answer.unit({}, 'unit-sha'), answer.marker('in-1', 'unit-sha')))).toEqual({ enable: true, run: undefined, resetFailed: false });
  });

  it('inputs not known until apply count as new; a create restarts; a delete plans nothing', () => {
    expect(stepsFor({ ...want, inputs: UNKNOWN }, running())).toEqual({ enable: true, run: 'restart', resetFailed: false });
    const reloaded = observe(answer.unit({}, 'unit-sha'), answer.marker('in-1', 'unit-sha', 'r-1'));
    expect(stepsFor({ ...want, reloadInputs: 'r-1' }, reloaded)).toEqual({ enable: true, run: undefined, resetFailed: false });
    expect(stepsFor({ ...want, reloadInputs: UNKNOWN }, reloaded)).toEqual({ enable: true, run: 'reload', resetFailed: false });
    expect(stepsFor(want, undefined, 'create')).toEqual({ enable: true, run: 'restart', resetFailed: false });
    expect(systemdService.planSteps('delete', { address: ADDRESS, prior: stateRecord(ADDRESS, 'systemd_service', want), observed: running(), sensitive: [] })).toBeUndefined();
  });

  it('apply refuses to guess without planned steps', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing());
    await expect(systemdService.apply(fakeContext({ 'app-1': node }), { action: 'update', address: ADDRESS, attributes: want as unknown as Json, observed: running() }))
      .rejects.toThrow(`internal: ${ADDRESS} reached apply without the steps its plan decided; please report`);
    expect(node.calls).toEqual([]);
  });
});

describe('systemd_service apply', () => {
  const op = (observed?: Observed, extra: Partial<ApplyOp<ServiceSteps>> = {}): ApplyOp<ServiceSteps> => ({
    action: 'update', address: ADDRESS, attributes: want as unknown as Json, ...(observed ? { observed } : {}), steps: stepsFor(want, observed), ...extra,
  });

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

describe('reloadInputs', () => {
  const reloading = { ...want, reloadInputs: 'r-1' };
  const running = answer.unit({}, 'unit-sha');
  const observeR = (unit: FakeAnswer, marker: FakeAnswer) => observeWith(systemdService, ADDRESS, reloading, (r) => (r.kind === 'unit' ? unit : marker));
  const planR = (unit: FakeAnswer, marker: FakeAnswer, desired: Value = reloading) =>
    systemdService.plan({ address: ADDRESS, desired, prior: stateRecord(ADDRESS, 'systemd_service', reloading), sensitive: [], observed: observeR(unit, marker) });

  it('observe reports the recorded reload inputs only when the marker has them', () => {
    expect(observeR(running, answer.marker('in-1', 'unit-sha', 'r-0'))?.attributes).toMatchObject({ inputs: 'in-1', reloadInputs: 'r-0' });
    expect(observeR(running, answer.marker('in-1', 'unit-sha'))?.attributes).not.toHaveProperty('reloadInputs');
    expect(parseMarker('inputs abc\nunit def\nreload ghi\n')).toEqual({ inputs: 'abc', unit: 'def', reload: 'ghi' });
  });

  it('plan: unchanged → no-op; only reloadInputs changed on a running unit → update "reload inputs changed"', () => {
    expect(planR(running, answer.marker('in-1', 'unit-sha', 'r-1'))).toEqual({ action: 'noop', reason: `unit ${NAME} is active (running)` });
    expect(planR(running, answer.marker('in-1', 'unit-sha', 'r-0'))).toEqual({
      action: 'update', reason: 'reload inputs changed', diffs: [{ path: 'reloadInputs', before: 'r-0', after: 'r-1' }],
    });
    expect(planR(running, answer.marker('in-1', 'unit-sha', 'r-1'), { ...reloading, reloadInputs: UNKNOWN })).toMatchObject({ action: 'update', reason: 'reload inputs changed' });
  });

  it('plan: a marker written before reloadInputs existed counts as unknown → reload', () => {
    expect(planR(running, answer.marker('in-1', 'unit-sha'))).toEqual({
      action: 'update', reason: 'reload inputs changed', diffs: [{ path: 'reloadInputs', before: null, after: 'r-1' }],
    });
  });

  it('plan: inputs and reloadInputs both changed → "inputs changed" (the restart covers the reload)', () => {
    expect(planR(running, answer.marker('in-0', 'unit-sha', 'r-0'))).toEqual({
      action: 'update', reason: 'inputs changed',
      diffs: [{ path: 'inputs', before: 'in-0', after: 'in-1' }, { path: 'reloadInputs', before: 'r-0', after: 'r-1' }],
    });
  });

  it('plan: a down unit is started, so its state is the reason; a service without reloadInputs ignores a recorded one', () => {
    const failed = answer.unit({ ActiveState: 'failed', SubState: 'failed', ExecMainStatus: 1 }, 'unit-sha');
    expect(planR(failed, answer.marker('in-1', 'unit-sha', 'r-0'))).toEqual({
      action: 'update', reason: `unit ${NAME} is failed (NRestarts 0, exit 1)`,
      diffs: [{ path: 'active', before: false, after: true }, { path: 'reloadInputs', before: 'r-0', after: 'r-1' }],
    });
    expect(planR(running, answer.marker('in-1', 'unit-sha', 'r-0'), want)).toMatchObject({ action: 'noop' });
  });

  it('serviceSteps: reload only on a running unit with new reload inputs and the same inputs', () => {
    const steps = (unit: FakeAnswer, marker: FakeAnswer, w = reloading) => serviceSteps(w, observeR(unit, marker));
    expect(steps(running, answer.marker('in-1', 'unit-sha', 'r-0'))).toEqual({ enable: true, run: 'reload', resetFailed: false });
    expect(steps(running, answer.marker('in-1', 'unit-sha'))).toEqual({ enable: true, run: 'reload', resetFailed: false });
    expect(steps(running, answer.marker('in-1', 'unit-sha', 'r-1'))).toEqual({ enable: true, run: undefined, resetFailed: false });
    expect(steps(running, answer.marker('in-0', 'unit-sha', 'r-0'))).toEqual({ enable: true, run: 'restart', resetFailed: false });
    expect(steps(answer.unit({}, 'edited'), answer.marker('in-1', 'unit-sha', 'r-0'))).toMatchObject({ run: 'restart' });
    expect(steps(answer.unit({ ActiveState: 'failed' }, 'unit-sha'), answer.marker('in-1', 'unit-sha', 'r-0'))).toEqual({ enable: true, run: 'start', resetFailed: true });
    expect(steps(running, answer.marker('in-1', 'unit-sha', 'r-0'), { ...reloading, active: false })).toEqual({ enable: true, run: 'stop', resetFailed: false });
    expect(serviceSteps(reloading, undefined)).toMatchObject({ run: 'restart' });
  });

  const opR = (observed: Observed | undefined): ApplyOp<ServiceSteps> => ({
    action: 'update', address: ADDRESS, attributes: reloading as unknown as Json, ...(observed ? { observed } : {}), steps: stepsFor(reloading, observed),
  });
  const activeNode = () => new FakeNode('node.app-1', () => answer.missing()).respond(['systemctl', 'show'], { stdout: 'ActiveState=active\nSubState=running\nNRestarts=0\nExecMainStatus=0\n' });

  it('apply: reloads (never restarts), records both values, waits until active', async () => {
    const node = activeNode();
    const applied = await systemdService.apply(fakeContext({ 'app-1': node }), opR(observeR(running, answer.marker('in-1', 'unit-sha', 'r-0'))));
    const commands = node.commands();
    expect(commands.slice(0, 2)).toEqual([`systemctl enable -- ${NAME}`, `systemctl reload -- ${NAME}`]);
    expect(node.calls[2]).toMatchObject({ kind: 'exec', argv: ['sh', '-c', expect.any(String), 'omnitron-marker', '/var/lib/omnitron/inputs', NAME, 'in-1', 'r-1'] });
    expect(commands.slice(3).length).toBeGreaterThan(0);
    expect(commands.slice(3).every((c) => c === `systemctl show -p ActiveState,SubState,NRestarts,ExecMainCode,ExecMainStatus -- ${NAME}`)).toBe(true);
    expect(applied?.outputs).toEqual({ name: NAME, inputs: 'in-1', reloadInputs: 'r-1' });
    expect(systemdService.recordOutputs(observeR(running, answer.marker('in-1', '', 'r-1'))!)).toEqual({ name: NAME, inputs: 'in-1', reloadInputs: 'r-1' });
  });

  it('apply: both changed → restart only', async () => {
    const node = activeNode();
    await systemdService.apply(fakeContext({ 'app-1': node }), opR(observeR(running, answer.marker('in-0', 'unit-sha', 'r-0'))));
    expect(node.commands().filter((c) => /^systemctl (reload|restart|start) /.test(c))).toEqual([`systemctl restart -- ${NAME}`]);
  });

  it('apply: a failed reload is a ProviderError naming the unit, with the journal', async () => {
    const node = activeNode()
      .respond(['systemctl', 'reload'], { code: 1, stderr: `Failed to reload ${NAME}: Job type reload is not applicable for unit ${NAME}.` })
      .respond(['journalctl'], { stdout: 'no ExecReload\n' });
    await expect(systemdService.apply(fakeContext({ 'app-1': node }), opR(observeR(running, answer.marker('in-1', 'unit-sha', 'r-0'))))).rejects.toMatchObject({
      address: ADDRESS,
      message: `on node app-1: systemctl reload ${NAME} failed: Failed to reload ${NAME}: Job type reload is not applicable for unit ${NAME}.\nlast journal lines:\nno ExecReload`,
    });
    expect(node.commands().some((c) => c.includes('omnitron-marker'))).toBe(false);
  });
});

// The marker script under the local /bin/sh, with a stub systemctl naming a unit file, into a temp dir.
describe('the inputs marker script', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'omnitron-marker-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const fragment = path.join(base, 'unit.service');
  writeFileSync(fragment, '[Service]\nExecStart=/bin/true\n');
  mkdirSync(path.join(base, 'bin'));
  writeFileSync(path.join(base, 'bin', 'systemctl'), `#!/bin/sh\nprintf '%s\\n' ${JSON.stringify(fragment)}\n`, { mode: 0o755 });

  function write(argv: string[]): string {
    const [sh, c, body, name, , unit, ...rest] = argv;
    const result = spawnSync(sh, [c, body, name, path.join(base, 'inputs'), unit, ...rest], { encoding: 'utf8', env: { PATH: `${path.join(base, 'bin')}:/usr/bin:/bin` } });
    expect(result.stderr).toBe('');
    return readFileSync(path.join(base, 'inputs', unit), 'utf8');
  }

  it('records inputs and the unit hash, plus reload inputs only when given; observe parses it back', () => {
    const unitSha = createHash('sha256').update(readFileSync(fragment)).digest('hex');
    expect(write(writeInputsMarker(NAME, 'in-1'))).toBe(`inputs in-1\nunit ${unitSha}\n`);
    const content = write(writeInputsMarker(NAME, 'in-1', 'r-1'));
    expect(content).toBe(`inputs in-1\nunit ${unitSha}\nreload r-1\n`);
    expect(parseMarker(content)).toEqual({ inputs: 'in-1', unit: unitSha, reload: 'r-1' });
  });
});
