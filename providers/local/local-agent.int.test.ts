/**
 * local_agent against the real bundled agent and real app processes (no Docker): observe → plan →
 * apply for a start, a no-op, a reload, an app that cannot start, a restart and a delete.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../planner/expr.js';
import { ProviderError, type ApplyOp, type Observed, type ProviderContext, type ProviderEvent } from '../../planner/resource.js';
import { generateAgentKeyPair, type JWK } from '../../contract/agent/control-token.js';
import type { ManifestApp } from '../../contract/agent/manifest.js';
import { alive, buildAgentBundle, waitFor } from '../../test/support/agent/agent-process.js';
import { FIXTURES, testApp, testManifest } from '../../test/support/agent/manifests.js';
import { readLocalAgent, type AgentTarget } from './local-agent-observe.js';
import { agentIdentity, pidInUse } from './agent-process.js';
import { localAgent, planLocalAgent, type AgentSteps } from './local-agent.js';
import { readStatus } from './agent-files.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), `omnitron-local-agent-${Math.random().toString(36).slice(2, 8)}-`));
const dir = path.join(tmp, 'agent');
let bundle: string;
let publicJwk: JWK;
const events: ProviderEvent[] = [];
const ctx = { scope: { project: 'acme', stack: 'test', root: tmp, stackDir: tmp }, clients: {}, signal: new AbortController().signal, emit: (e: ProviderEvent) => events.push(e) } as unknown as ProviderContext;
const files = {
  manifestPath: path.join(dir, 'manifest.json'), pidFile: path.join(dir, 'agent.pid'), logFile: path.join(dir, 'agent.log'),
  statusFile: path.join(dir, 'state', 'status.json'), envFile: path.join(dir, 'agent.env'),
};
const target = (): AgentTarget => ({ ...files, bundles: [bundle], target: 'local' });

beforeAll(async () => {
  bundle = await buildAgentBundle(path.join(tmp, 'agent.bundle.mjs'));
  publicJwk = (await generateAgentKeyPair()).publicJwk;
  writeFileSync(envFile, 'GREETING="hello"\n');
});
afterAll(async () => {
  const pid = Number(existsSync(files.pidFile) ? readFileSync(files.pidFile, 'utf8') : 0);
  if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

const envFile = path.join(tmp, 'app.env');
const ticker = (name: string) => testApp({ name, envFile });
const crasher = testApp({ name: 'crasher', envFile, script: path.join(FIXTURES, 'crasher.mjs'), restart: { strategy: 'one_for_one', maxRestarts: 1, window: 60_000, backoff: { type: 'fixed', initial: 100, max: 100, factor: 1 } } });

function desired(apps: ManifestApp[], extra: Partial<Record<'bundleSha256' | 'reloadInputs', string>> = {}): Json {
  const manifest = testManifest(dir, publicJwk, apps, 'local');
  return {
    ...files, manifest: `${JSON.stringify(manifest, null, 2)}\n`, bundle, node: process.execPath,
    bundleSha256: extra.bundleSha256 ?? createHash('sha256').update(readFileSync(bundle)).digest('hex'),
    environment: { OMNITRON_TEST_AGENT_ENV: 'from-the-env-file' }, reloadInputs: extra.reloadInputs ?? 'inputs-1',
  };
}

const observe = () => readLocalAgent('local_agent.apps', target());

async function converge(want: Json): Promise<{ observed?: Observed; action: string; reason: string; pid?: number }> {
  const observed = await observe();
  const input = { address: 'local_agent.apps', desired: want, observed, sensitive: ['environment.OMNITRON_TEST_AGENT_ENV'] };
  const decision = planLocalAgent(input);
  if (decision.action === 'noop') return { observed, action: 'noop', reason: decision.reason };
  const op: ApplyOp<AgentSteps> = { action: decision.action, address: 'local_agent.apps', attributes: want, observed, startupTimeout: 20, steps: localAgent.planSteps(decision.action, input) };
  const applied = await localAgent.apply(ctx, op);
  return { observed, action: decision.action, reason: decision.reason, pid: applied?.outputs.pid as number };
}

describe('local_agent with the real agent', () => {
  it('starts the agent detached with its own environment, and finds it running and up to date', async () => {
    const started = await converge(desired([ticker('one')]));
    expect(started).toMatchObject({ observed: undefined, action: 'create' });
    expect(alive(started.pid!)).toBe(true);
    expect(readFileSync(files.pidFile, 'utf8').trim()).toBe(String(started.pid));
    const environ = readFileSync(`/proc/${started.pid}/environ`, 'utf8').split('\0');
    expect(environ).toContain('OMNITRON_TEST_AGENT_ENV=from-the-env-file');
    expect(environ.some((e) => e.startsWith('VITEST'))).toBe(false);
    expect((await readStatus(files.statusFile))?.apps?.map((a) => [a.name, a.state])).toEqual([['one', 'running']]);
    const again = await converge(desired([ticker('one')]));
    expect(again).toMatchObject({ action: 'noop', reason: `agent running (pid ${started.pid})` });
  });

  it('reloads on a new manifest: same agent, the new app started, generation advanced', async () => {
    const pid = Number(readFileSync(files.pidFile, 'utf8'));
    const r = await converge(desired([ticker('one'), ticker('two')], { reloadInputs: 'inputs-2' }));
    expect(r).toMatchObject({ action: 'update', reason: 'reload: manifest or app environment changed', pid });
    const status = await readStatus(files.statusFile);
    expect(status?.agent).toMatchObject({ pid, generation: 1 });
    expect(status?.apps?.map((a) => [a.name, a.state])).toEqual([['one', 'running'], ['two', 'running']]);
    expect((await converge(desired([ticker('one'), ticker('two')], { reloadInputs: 'inputs-2' }))).action).toBe('noop');
  });

  it('fails the apply that ships an app that cannot start, naming it, and reports it as runtime drift', async () => {
    const want = desired([ticker('one'), crasher], { reloadInputs: 'inputs-2' });
    const failure = await converge(want).then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as Error).message).toMatch(/apps did not start:\n {2}crasher: failed, last exit: exit code 3/);
    const observed = await observe();
    expect(observed?.runtime).toEqual([expect.objectContaining({ target: 'local', app: 'crasher', state: 'failed' })]);
    const prior = { address: 'local_agent.apps', type: 'local_agent', attributes: want, outputs: {}, dependsOn: [], sensitive: [], hash: 'h', updatedAt: '' };
    // the agent gave up on it: the plan reloads the agent, which gives it another start
    expect(planLocalAgent({ address: 'local_agent.apps', desired: want, observed, sensitive: [], prior })).toMatchObject({ action: 'update', reason: 'apps not running: crasher failed; a reload starts them again' });
  });

  const appPids = async () => (await readStatus(files.statusFile))!.apps!.flatMap((a) => (a as { processes: Array<{ pid: number }> }).processes.map((p) => p.pid)).filter(Boolean);
  const agentPid = () => Number(readFileSync(files.pidFile, 'utf8'));

  it('upgrades on a new bundle: the old agent hands its apps over, the new one adopts them', async () => {
    const old = agentPid();
    await converge(desired([ticker('one')]));
    const apps = await appPids();
    const r = await converge(desired([ticker('one')], { bundleSha256: 'f'.repeat(64) }));
    expect(r).toMatchObject({ action: 'update', reason: 'upgrade: bundleSha256 changed (apps keep running)' });
    expect(r.pid).not.toBe(old);
    expect(alive(old)).toBe(false);
    expect(await appPids()).toEqual(apps);
    for (const pid of apps) expect(alive(pid), `app pid ${pid}`).toBe(true);
    expect((await converge(desired([ticker('one')], { bundleSha256: 'f'.repeat(64) }))).action).toBe('noop');
  });

  it('--replace restarts the agent and every app', async () => {
    const old = agentPid();
    const apps = await appPids();
    const want = desired([ticker('one')], { bundleSha256: 'f'.repeat(64) });
    const observed = await observe();
    const applied = await localAgent.apply(ctx, { action: 'replace', address: 'local_agent.apps', attributes: want, observed, startupTimeout: 20, steps: localAgent.planSteps('replace', { address: 'local_agent.apps', desired: want, observed, sensitive: [] }) });
    expect(applied?.outputs.pid).not.toBe(old);
    expect(alive(old)).toBe(false);
    for (const pid of apps) expect(alive(pid), `old app pid ${pid}`).toBe(false);
    expect((await appPids()).some((p) => apps.includes(p))).toBe(false);
  });

  it('starts a new agent after a kill -9, which adopts the apps the dead one left running', async () => {
    const old = agentPid();
    const apps = await appPids();
    process.kill(old, 'SIGKILL');
    await waitFor(() => !alive(old), 'the agent to die', 5_000);
    const r = await converge(desired([ticker('one')], { bundleSha256: 'f'.repeat(64) }));
    expect(r).toMatchObject({ action: 'create', reason: expect.stringMatching(/^agent not running \(pid \d+ is gone/) });
    expect(await appPids()).toEqual(apps);
  });

  it('finds its agent without the pid file (a CLI killed right after starting it), so no second one starts', async () => {
    const real = readFileSync(files.pidFile, 'utf8');
    rmSync(files.pidFile);
    try {
      const observed = await observe();
      expect(observed).toMatchObject({ status: 'running', id: real.trim() });
      expect(planLocalAgent({ address: 'local_agent.apps', desired: desired([ticker('one')], { bundleSha256: 'f'.repeat(64) }), observed, sensitive: [] }).action).toBe('noop');
    } finally {
      writeFileSync(files.pidFile, real);
    }
  });

  it('never takes the process now holding a recorded pid for the agent', async () => {
    const real = readFileSync(files.pidFile, 'utf8');
    expect(await agentIdentity(process.pid, files.manifestPath, [bundle])).toBeUndefined();
    writeFileSync(files.pidFile, `${process.pid}\n`);
    try {
      expect(await observe()).toMatchObject({ status: 'running', id: real.trim() });
    } finally {
      writeFileSync(files.pidFile, real);
    }
  });

  it('delete stops the agent, which stops its apps, and removes its files', async () => {
    const pid = agentPid();
    const apps = await appPids();
    const observed = await observe();
    expect(planLocalAgent({ address: 'local_agent.apps', observed, sensitive: [] }).action).toBe('delete');
    await localAgent.apply(ctx, { action: 'delete', address: 'local_agent.apps', observed });
    await waitFor(() => !alive(pid), 'the agent to be gone', 1_000);
    for (const p of apps) expect(alive(p), `app pid ${p}`).toBe(false);
    for (const file of [files.pidFile, files.manifestPath, files.envFile]) expect(existsSync(file), file).toBe(false);
    expect((await readStatus(files.statusFile))?.agent?.state).toBe('stopped');
    expect(await observe()).toBeUndefined();
  });

  it('delete after the agent was killed still stops the apps it left running', async () => {
    await converge(desired([ticker('one'), ticker('two')]));
    const apps = await appPids();
    const killed = agentPid();
    process.kill(killed, 'SIGKILL');
    // The kill lands asynchronously; on a loaded machine the next read can still find the agent running.
    await waitFor(async () => !(await pidInUse(killed)), `the killed agent (pid ${killed}) to be gone`);
    const observed = await observe();
    expect(observed?.status).toBe('stopped');
    await localAgent.apply(ctx, { action: 'delete', address: 'local_agent.apps', observed });
    for (const p of apps) expect(alive(p), `app pid ${p}`).toBe(false);
  });
});
