/**
 * Processes as defineSystem and the config describe them, with real child processes: `instances`
 * (PORT offset per copy, a health check and a log each), a non-critical worker that gives up while
 * the app runs on, a process's own startupTimeout, and a Titan @Module named as such.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, EventLog, fixture, FIXTURES_DIR, freePort, proc, tempDir } from '../../test/fixtures/apps/harness.js';
import { testApp } from '../../test/support/agent/manifests.js';
import { resolveApp } from '../agent/resolve-app.js';
import { loadSystemDefinition } from '../agent/system-definition.js';
import { Supervisor } from './supervisor.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let sup: Supervisor | undefined;
beforeEach(async () => { tmp = await tempDir(); });
afterEach(async () => { await sup?.stop(); sup = undefined; await tmp.remove(); });

async function getJson(url: string): Promise<unknown> {
  return (await fetch(url, { signal: AbortSignal.timeout(3_000) })).json();
}

describe('processes of an app', () => {
  it('instances: 3 runs three copies, PORT offset by index, each health-checked at its port and logging to its own file', async () => {
    const base = await freePort();
    const manifestApp = testApp({
      name: 'api', envFile: '/unused', script: path.join(FIXTURES_DIR, 'port-server.mjs'), cwd: tmp.dir, instances: 3,
      health: { type: 'http', target: `http://127.0.0.1:${base}/health`, interval: 200, timeout: 1_000, failureThreshold: 3 },
    });
    const spec = await resolveApp(manifestApp, path.join(tmp.dir, 'logs'), { readEnv: () => ({ PORT: String(base) }) });
    expect(spec.processes.map((p) => [p.name, p.env?.PORT, p.health && 'target' in p.health ? p.health.target : null])).toEqual([0, 1, 2].map((i) => [`main.${i}`, String(base + i), `http://127.0.0.1:${base + i}/health`]));
    const events = new EventLog();
    sup = new Supervisor({ apps: [spec], onEvent: events.push });
    await sup.start();
    const [status] = sup.status();
    expect(status.state).toBe('running');
    expect(status.processes.map((p) => p.name)).toEqual(['main.0', 'main.1', 'main.2']);
    expect(new Set(status.processes.map((p) => p.pid)).size).toBe(3);
    for (const i of [0, 1, 2]) expect(await getJson(`http://127.0.0.1:${base + i}/health`)).toEqual({ port: base + i, process: `main.${i}` });
    expect(events.of('ready').map((e) => e.via)).toEqual(['health', 'health', 'health']);
    await sup.stop();
    sup = undefined;
    for (const i of [0, 1, 2]) expect(await readFile(path.join(tmp.dir, 'logs', 'api', `main.${i}.log`), 'utf8')).toContain(`port-server: main.${i} on ${base + i}`);
  });

  it('instances of an app of several processes are refused, naming them', async () => {
    const manifestApp = testApp({ name: 'media', envFile: '/unused', bootstrap: path.join(FIXTURES_DIR, 'system-workers.mjs'), cwd: tmp.dir, instances: 2 });
    await expect(resolveApp(manifestApp, tmp.dir, { readEnv: () => ({}), loadSystem: loadSystemDefinition }))
      .rejects.toThrow('instances: 2 runs copies of a single-process app, but its defineSystem has 2 processes (http, thumbnails)');
  });

  it('a non-critical worker that keeps crashing gives up on its own budget; the app keeps running', async () => {
    const port = await freePort();
    const manifestApp = testApp({
      name: 'media', envFile: '/unused', bootstrap: path.join(FIXTURES_DIR, 'system-workers.mjs'), cwd: FIXTURES_DIR,
      health: { type: 'http', target: `http://127.0.0.1:${port}/health`, interval: 200, timeout: 1_000, failureThreshold: 3 },
      restart: { strategy: 'one_for_one', maxRestarts: 2, window: 60_000, backoff: { type: 'fixed', initial: 50, max: 50, factor: 1 } },
    });
    const spec = await resolveApp(manifestApp, path.join(tmp.dir, 'logs'), { readEnv: () => ({ PORT: String(port) }), loadSystem: loadSystemDefinition });
    expect(spec.processes.map((p) => ({ name: p.name, critical: p.critical, startupTimeout: p.startupTimeout, health: p.health === null ? null : 'own' })))
      .toEqual([{ name: 'http', critical: undefined, startupTimeout: undefined, health: 'own' }, { name: 'thumbnails', critical: false, startupTimeout: 4_000, health: null }]);
    const events = new EventLog();
    sup = new Supervisor({ apps: [spec], onEvent: events.push });
    void sup.start();
    const gaveUp = await events.waitFor((e) => e.type === 'process-failed');
    expect(gaveUp).toMatchObject({ app: 'media', process: 'thumbnails', reason: expect.stringMatching(/not critical: the app runs on without it$/) });
    await events.waitFor((e) => e.type === 'ready' && 'process' in e && e.process === 'http');
    const [status] = sup.status();
    expect(status.state).toBe('running');
    expect(status.processes.map((p) => [p.name, p.state])).toEqual([['http', 'running'], ['thumbnails', 'failed']]);
    expect(events.count('failed')).toBe(0);
    expect(await getJson(`http://127.0.0.1:${port}/health`)).toMatchObject({ port });
  });

  it("a process's own startupTimeout bounds its start, not the app's", async () => {
    const events = new EventLog();
    sup = new Supervisor({
      apps: [app('slow', tmp.dir, { startupTimeout: 60_000, restart: { maxRestarts: 0 }, processes: [{ ...proc('boot', fixture('never-ready.mjs'), true), startupTimeout: 300 }] })],
      onEvent: events.push,
    });
    await sup.start();
    expect(events.of('start-failed')[0]).toMatchObject({ process: 'boot', reason: 'not ready within 300 ms' });
    expect(sup.status()[0].state).toBe('failed');
  });

  it('a module that exports a class (a Titan @Module) is named as such, with the app, the process and what to do', async () => {
    const events = new EventLog();
    sup = new Supervisor({ apps: [app('ledger', tmp.dir, { restart: { maxRestarts: 0 }, processes: [proc('http', fixture('titan-module.mjs'), true)] })], onEvent: events.push });
    await sup.start();
    const reason = events.of('start-failed')[0].reason;
    expect(reason).toMatch(/^exited with code 0 before ready: app "ledger", process "http": .*titan-module\.mjs exports a class \(a Titan @Module\), which needs the Titan runtime to start it/);
    expect(reason).toContain('Application.create(AppModule)');
    expect(sup.status()[0].processes[0].lastExit?.reason).toBe(reason);
  });
});
