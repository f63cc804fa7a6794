/**
 * Agent upgrades and crashes leave apps running: SIGUSR2 (what apply sends before starting a new
 * agent) or a SIGKILL of the agent, then a new agent adopts every process whose spec did not change,
 * keeps logging and supervising it, and restarts only what changed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAgentKeyPair, signControlToken, type JWK } from '../../contract/agent/control-token.js';
import { alive, buildAgentBundle, fetchStatus, pidsOf, spawnAgent, waitFor, writeManifest, type AgentProcess } from '../../test/support/agent/agent-process.js';
import { testApp, testManifest } from '../../test/support/agent/manifests.js';
import type { AgentStatus } from '../../contract/agent/status.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), `omnitron-handover-${Math.random().toString(36).slice(2, 8)}-`));
let bundle: string;
let keys: { privateJwk: JWK; publicJwk: JWK };
const agents: AgentProcess[] = [];
const pidsToReap: number[] = [];

beforeAll(async () => {
  bundle = await buildAgentBundle(path.join(tmp, 'agent.bundle.mjs'));
  keys = await generateAgentKeyPair();
});
afterAll(async () => {
  for (const agent of agents) if (agent.child.exitCode === null) { agent.child.kill('SIGKILL'); await agent.exit; }
  for (const pid of pidsToReap) try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
  rmSync(tmp, { recursive: true, force: true });
});

const byName = (s: AgentStatus, name: string) => s.apps.find((a) => a.name === name);

async function running(socket: string, names: string[]): Promise<AgentStatus> {
  return waitFor(async () => {
    const s = await fetchStatus(socket, await signControlToken(keys.privateJwk, { node: 'node-1', action: 'status' }));
    return names.every((n) => byName(s, n)?.state === 'running') ? s : undefined;
  }, `${names.join(', ')} running`);
}

function start(manifestPath: string): AgentProcess {
  const agent = spawnAgent(bundle, manifestPath);
  agents.push(agent);
  return agent;
}

describe('agent hand-over', () => {
  it('keeps unchanged apps running across an agent upgrade and a crash, and restarts only changed ones', async () => {
    const envOf = (name: string, text: string) => { const f = path.join(tmp, `${name}.env`); writeFileSync(f, text); return f; };
    const manifest = testManifest(path.join(tmp, 'agent'), keys.publicJwk, [
      testApp({ name: 'api', envFile: envOf('api', 'TICK_MS=100\n') }),
      testApp({ name: 'worker', envFile: envOf('worker', 'TICK_MS=100\n') }),
    ]);
    const manifestPath = path.join(tmp, 'manifest.json');
    writeManifest(manifestPath, manifest);

    const first = start(manifestPath);
    const before = await running(manifest.controlSocket, ['api', 'worker']);
    const [api, worker] = [pidsOf(byName(before, 'api'))[0], pidsOf(byName(before, 'worker'))[0]];
    pidsToReap.push(api, worker);

    // upgrade: the old agent hands over and exits 0; its apps keep running
    first.child.kill('SIGUSR2');
    expect(await first.exit).toBe(0);
    expect([alive(api), alive(worker)]).toEqual([true, true]);

    // the new agent adopts api (same spec) and restarts worker (its env changed)
    envOf('worker', 'TICK_MS=100\nGREETING=changed\n');
    const second = start(manifestPath);
    const after = await running(manifest.controlSocket, ['api', 'worker']);
    expect(pidsOf(byName(after, 'api'))).toEqual([api]);
    const newWorker = pidsOf(byName(after, 'worker'))[0];
    expect(newWorker).not.toBe(worker);
    pidsToReap.push(newWorker);
    await waitFor(() => !alive(worker), 'the old worker gone');
    expect(second.logs.filter((l) => l.msg === 'adopted').map((l) => l.app)).toEqual(['api']);

    // output of the adopted app still reaches its log through the same named pipe
    const logFile = path.join(manifest.logDir, 'api', 'main.log');
    const ticks = () => (readFileSync(logFile, 'utf8').match(/^api\/main tick \d+$/gm) ?? []).length;
    const seen = ticks();
    await waitFor(() => ticks() >= seen + 3, 'api ticks logged after adoption');

    // an adopted app that dies is noticed and restarted
    process.kill(api, 'SIGKILL');
    const restarted = await waitFor(async () => {
      const s = await running(manifest.controlSocket, ['api', 'worker']);
      const pid = pidsOf(byName(s, 'api'))[0];
      return pid !== undefined && pid !== api ? s : undefined;
    }, 'api restarted by the new agent');
    expect(byName(restarted, 'api')!.restarts).toBe(1);
    expect(byName(restarted, 'api')!.lastExit?.reason).toMatch(/adopted from an earlier agent/);
    const newApi = pidsOf(byName(restarted, 'api'))[0];
    pidsToReap.push(newApi);

    // a crashed agent (SIGKILL) leaves its apps too; the next one adopts all of them
    second.child.kill('SIGKILL');
    await second.exit;
    const third = start(manifestPath);
    const adopted = await running(manifest.controlSocket, ['api', 'worker']);
    expect([pidsOf(byName(adopted, 'api'))[0], pidsOf(byName(adopted, 'worker'))[0]]).toEqual([newApi, newWorker]);

    // a normal stop still stops every app
    third.child.kill('SIGTERM');
    expect(await third.exit).toBe(0);
    expect([alive(newApi), alive(newWorker)]).toEqual([false, false]);
  });

  it('reap (ExecStopPost) stops the apps of an agent systemd timed out on, and leaves them after any other end', async () => {
    const envFile = path.join(tmp, 'reap.env');
    writeFileSync(envFile, 'TICK_MS=100\n');
    const manifest = testManifest(path.join(tmp, 'reaped'), keys.publicJwk, [testApp({ name: 'api', envFile })]);
    const manifestPath = path.join(tmp, 'reap.json');
    writeManifest(manifestPath, manifest);
    const agent = start(manifestPath);
    const pid = pidsOf(byName(await running(manifest.controlSocket, ['api']), 'api'))[0];
    pidsToReap.push(pid);
    agent.child.kill('SIGKILL');
    await agent.exit;
    const reap = (result: string) => new Promise<number | null>((resolve) => {
      spawn(process.execPath, [bundle, 'reap', '--manifest', manifestPath], { stdio: 'ignore', env: { ...process.env, SERVICE_RESULT: result } }).once('exit', resolve);
    });
    expect(await reap('signal')).toBe(0);
    expect(alive(pid)).toBe(true);
    expect(await reap('timeout')).toBe(0);
    expect(alive(pid)).toBe(false);
  });
});
