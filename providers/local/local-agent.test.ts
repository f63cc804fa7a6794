import { describe, expect, it } from 'vitest';
import type { Json } from '../../planner/expr.js';
import type { Observed, StateRecord } from '../../planner/resource.js';
import { agentEnvironment } from './agent-process.js';
import { agentStep, localAgent, planLocalAgent, reloadRefused } from './local-agent.js';

const want = {
  manifestPath: '/p/.omnitron/dev/agent/manifest.json', manifest: '{"apps":[]}\n', bundle: '/omnitron/dist/runtime/agent.bundle.mjs',
  bundleSha256: 'a'.repeat(64), node: '/usr/local/bin/node', pidFile: '/p/.omnitron/dev/agent/agent.pid', logFile: '/p/.omnitron/dev/agent/agent.log',
  statusFile: '/p/.omnitron/dev/agent/state/status.json', envFile: '/p/.omnitron/dev/agent/agent.env',
  environment: { OMNITRON_DISCOVERY_REDIS_URL: 'redis://:s3cret@127.0.0.1:6379/0' }, reloadInputs: 'r1',
};
type Attrs = typeof want;

const running = (over: Partial<Record<keyof Attrs, Json>> = {}, extra: Partial<Observed> = {}): Observed => ({
  address: 'local_agent.apps', type: 'local_agent', id: '4242', status: 'running', attributes: { ...want, ...over }, notes: ['agent running (pid 4242)'], ...extra,
});
const stopped: Observed = { ...running({ bundle: null, node: null, bundleSha256: null, reloadInputs: null }), id: undefined, status: 'stopped', notes: ['agent not running (pid 4242 is gone)'] };
const prior = { address: 'local_agent.apps', type: 'local_agent', attributes: want, outputs: { pid: 4242 }, dependsOn: [], sensitive: ['attributes.environment.OMNITRON_DISCOVERY_REDIS_URL'], hash: 'h', updatedAt: '' } satisfies StateRecord;
const sensitive = ['environment.OMNITRON_DISCOVERY_REDIS_URL'];
const plan = (observed: Observed | undefined, desired: Json | 'gone' = want, withPrior = true) =>
  planLocalAgent({ address: 'local_agent.apps', ...(desired === 'gone' ? {} : { desired }), observed, sensitive, ...(withPrior ? { prior } : {}) });

describe('local_agent plan', () => {
  it('starts an agent that was never started, or that is no longer running (saying why)', () => {
    expect(plan(undefined, want, false)).toEqual({ action: 'create', reason: 'not found' });
    expect(plan(stopped)).toEqual({ action: 'create', reason: 'agent not running (pid 4242 is gone)' });
  });

  it('leaves a running agent that matches alone, and records one state lost', () => {
    expect(plan(running())).toEqual({ action: 'noop', reason: 'agent running (pid 4242)' });
    expect(plan(running(), want, false)).toEqual({ action: 'noop', reason: 'agent running (pid 4242)', record: true });
  });

  it('reloads for a new manifest or app environment', () => {
    const d = plan(running({ manifest: '{"apps":["old"]}\n', reloadInputs: 'r0' }));
    expect(d).toMatchObject({ action: 'update', reason: 'reload: manifest or app environment changed' });
    expect(d.action === 'update' && d.diffs.map((x) => x.path)).toEqual(['manifest', 'reloadInputs']);
  });

  it('reloads a matching agent that gave up on an app, so it starts it again', () => {
    const stuck = running({}, { runtime: [{ target: 'local', app: 'ledger', state: 'failed', restarts: 5 }, { target: 'local', app: 'media', state: 'blocked', restarts: 0, detail: 'waiting for ledger' }] });
    expect(plan(stuck)).toEqual({ action: 'update', reason: 'apps not running: ledger failed, media blocked; a reload starts them again', diffs: [{ path: 'apps', before: 'ledger failed, media blocked', after: 'running' }] });
    expect(agentStep(want, stuck)).toBe('reload');
    expect(agentStep(want, running({}, { runtime: [{ target: 'local', app: 'ledger', state: 'crash-looping', restarts: 2 }] }))).toBeUndefined();
  });

  it('upgrades for a new bundle or Node, naming what changed', () => {
    expect(plan(running({ bundleSha256: 'b'.repeat(64), node: '/opt/node' }))).toMatchObject({ action: 'update', reason: 'upgrade: bundleSha256, node changed (apps keep running)' });
    expect(plan(running({ bundleSha256: null, manifest: 'x' }))).toMatchObject({ action: 'update', reason: 'upgrade: bundleSha256 changed (apps keep running)' });
  });

  it('restarts for a new file location or agent environment, whatever else changed', () => {
    expect(plan(running({ environment: {}, bundleSha256: null }))).toMatchObject({ action: 'update', reason: 'restart: environment changed' });
    expect(plan(running({ statusFile: '/elsewhere/status.json' }))).toMatchObject({ action: 'update', reason: 'restart: statusFile changed' });
  });

  it('masks the agent environment in diffs', () => {
    const d = plan(running({ environment: { OMNITRON_DISCOVERY_REDIS_URL: 'redis://:old@127.0.0.1:6379/0' } }));
    expect(d.action === 'update' && d.diffs).toEqual([expect.objectContaining({ path: 'environment.OMNITRON_DISCOVERY_REDIS_URL', sensitive: true })]);
  });

  it('deletes an agent no longer in config, running or not; nothing left is already gone', () => {
    expect(plan(running(), 'gone')).toMatchObject({ action: 'delete' });
    expect(plan(stopped, 'gone')).toMatchObject({ action: 'delete' });
    expect(plan(undefined, 'gone', false)).toMatchObject({ action: 'noop', reason: 'already gone' });
  });

  it('trusts state when the files cannot be read', () => {
    expect(planLocalAgent({ address: 'local_agent.apps', desired: want, prior, unreadable: 'EACCES', sensitive })).toMatchObject({ action: 'noop' });
  });
});

describe('local_agent apply steps', () => {
  it('start when not running, upgrade for its code, restart for its files and environment, reload for the rest', () => {
    expect(agentStep(want, undefined)).toBe('start');
    expect(agentStep(want, stopped)).toBe('start');
    expect(agentStep(want, running({ node: '/other/node', manifest: 'x' }))).toBe('upgrade');
    expect(agentStep(want, running({ node: '/other/node', environment: {} }))).toBe('restart');
    expect(agentStep(want, running({ manifest: 'x' }))).toBe('reload');
    expect(agentStep(want, running())).toBeUndefined();
  });
});

describe('local_agent planned steps', () => {
  const steps = (action: 'create' | 'update' | 'replace' | 'delete', observed: Observed | undefined) =>
    localAgent.planSteps(action, { address: 'local_agent.apps', desired: want, observed, sensitive, prior });

  it('carries the step and the pid of the agent observe saw, so apply chooses nothing', () => {
    expect(steps('update', running({ manifest: 'x' }))).toEqual({ run: 'reload', pid: 4242 });
    expect(steps('update', running({ node: '/other/node', manifest: 'x' }))).toEqual({ run: 'upgrade', pid: 4242 });
    expect(steps('create', stopped)).toEqual({ run: 'start', pid: null });
    expect(steps('update', running())).toEqual({ run: null, pid: 4242 });
  });

  it('a requested replacement restarts the agent; a delete needs no steps', () => {
    expect(steps('replace', running())).toEqual({ run: 'restart', pid: 4242 });
    expect(steps('delete', running())).toBeUndefined();
  });
});

describe('reloadRefused', () => {
  it('finds the agent refusing a manifest in the log lines written since the signal', () => {
    const log = [
      '{"time":"t","level":"info","msg":"ready","app":"a"}',
      '{"time":"t","level":"error","msg":"reload failed","error":"app \\"a\\": cwd /x: ENOENT"}',
      '{"partial',
    ].join('\n');
    expect(reloadRefused(log)).toBe('refused the new manifest: app "a": cwd /x: ENOENT');
    expect(reloadRefused('{"msg":"reloaded"}\n')).toBeUndefined();
  });
});

describe('agentEnvironment', () => {
  it('passes what a process needs to run, not the CLI\'s secrets, plus its own variables', () => {
    const env = agentEnvironment({ OMNITRON_DISCOVERY_REDIS_URL: 'u' }, {
      PATH: '/bin', HOME: '/home/dev', LANG: 'C.UTF-8', LC_ALL: 'C', OMNITRON_STATE_KEY: 'k', AWS_SECRET_ACCESS_KEY: 's', NODE_OPTIONS: '--inspect',
    });
    expect(env).toEqual({ PATH: '/bin', HOME: '/home/dev', LANG: 'C.UTF-8', LC_ALL: 'C', OMNITRON_DISCOVERY_REDIS_URL: 'u' });
  });
});
