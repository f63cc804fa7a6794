import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, EventLog, fixture, groupAlive, processLive, proc, tempDir } from '../../test/fixtures/apps/harness.js';
import { Supervisor } from './supervisor.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let sup: Supervisor | undefined;
beforeEach(async () => { tmp = await tempDir(); });
afterEach(async () => { await sup?.stop(); sup = undefined; await tmp.remove(); });

const lifecycle = (e: { type: string }): boolean => e.type !== 'metrics' && e.type !== 'exit';

describe('dependsOn', () => {
  it('starts a dependent only after its dependency reported ready', async () => {
    const events = new EventLog();
    sup = new Supervisor({
      apps: [
        app('worker', tmp.dir, { dependsOn: ['api'], processes: [proc('main', fixture('ready-ipc.mjs', 0), true)] }),
        app('api', tmp.dir, { dependsOn: ['db'] }),
        app('db', tmp.dir, { processes: [proc('main', fixture('ready-ipc.mjs', 400), true)] }),
      ],
      onEvent: events.push,
    });
    await sup.start();
    expect(events.trail(lifecycle)).toEqual([
      'starting db/main', 'ready db/main', 'starting api/main', 'ready api/main', 'starting worker/main', 'ready worker/main',
    ]);
    const dbReady = events.of('ready', 'db')[0];
    expect(dbReady.via).toBe('ipc');
    expect(dbReady.ms).toBeGreaterThanOrEqual(390);
    expect(events.of('ready', 'api')[0].via).toBe('alive');
    expect(sup.status().map((s) => [s.name, s.state])).toEqual([['worker', 'running'], ['api', 'running'], ['db', 'running']]);
  });

  it('reports dependents of an app that failed for good as blocked, transitively, and never starts them', async () => {
    const events = new EventLog();
    sup = new Supervisor({
      apps: [
        app('db', tmp.dir, { processes: [proc('main', fixture('crash.mjs', 0))], restart: { maxRestarts: 1 } }),
        app('api', tmp.dir, { dependsOn: ['db'], critical: true }),
        app('worker', tmp.dir, { dependsOn: ['api'] }),
        app('free', tmp.dir),
        app('orphan', tmp.dir, { dependsOn: ['nope'] }),
        app('ping', tmp.dir, { dependsOn: ['pong'] }),
        app('pong', tmp.dir, { dependsOn: ['ping'] }),
      ],
      onEvent: events.push,
    });
    await sup.start();
    const verdicts = events.trail((e) => ['failed', 'blocked', 'critical'].includes(e.type));
    expect(verdicts.slice(-4)).toEqual(['failed db', 'blocked api', 'critical api', 'blocked worker']);
    expect(verdicts.slice(0, 3).sort()).toEqual(['blocked orphan', 'blocked ping', 'blocked pong']);
    expect(events.of('blocked').map((e) => [e.app, e.by]).sort()).toEqual([['api', 'db'], ['orphan', 'nope'], ['ping', 'pong'], ['pong', 'ping'], ['worker', 'api']]);
    expect(events.of('starting').map((e) => e.app).sort()).toEqual(['db', 'db', 'free']);
    const byName = Object.fromEntries(sup.status().map((s) => [s.name, s]));
    expect(byName.api).toMatchObject({ state: 'blocked', blockedBy: 'db', processes: [{ state: 'blocked' }] });
    expect(byName.worker).toMatchObject({ state: 'blocked', blockedBy: 'api' });
    expect(byName.free.state).toBe('running');
    expect(byName.db.state).toBe('failed');
  });
});

describe('stop', () => {
  it('stops dependents first, then by shutdown.priority (lower first), equal priorities together', async () => {
    const events = new EventLog();
    const prio = (priority: number) => ({ priority, timeout: 1_000 });
    sup = new Supervisor({
      apps: [
        app('auth', tmp.dir, { shutdown: prio(-100) }),
        app('media', tmp.dir, { dependsOn: ['auth'], shutdown: prio(0) }),
        app('ledger', tmp.dir, { dependsOn: ['auth'], shutdown: prio(15) }),
        app('realtime', tmp.dir, { dependsOn: ['auth'], shutdown: prio(-10) }),
        app('analytics', tmp.dir, { shutdown: prio(15) }),
      ],
      onEvent: events.push,
    });
    await sup.start();
    const from = events.events.length;
    await sup.stop();
    const stopping = events.events.slice(from);
    const trail = stopping.filter((e) => e.type === 'stopped' || e.type === 'exit').map((e) => `${e.type} ${e.app}`);
    expect(trail.slice(0, 4)).toEqual(['exit realtime', 'stopped realtime', 'exit media', 'stopped media']);
    expect(trail.slice(4, 8).sort()).toEqual(['exit analytics', 'exit ledger', 'stopped analytics', 'stopped ledger']);
    expect(trail.slice(8)).toEqual(['exit auth', 'stopped auth']);
    expect(stopping.filter((e) => e.type === 'exit').every((e) => e.type === 'exit' && e.code === 0)).toBe(true); // SIGTERM handled
    expect(sup.status().every((s) => s.state === 'stopped' && s.processes.every((p) => p.pid === undefined))).toBe(true);
    sup = undefined;
  });

  it('SIGKILLs the whole process group of a SIGTERM-ignorer after shutdown.timeout', async () => {
    const events = new EventLog();
    sup = new Supervisor({ apps: [app('stubborn', tmp.dir, { processes: [proc('main', fixture('ignore-sigterm.mjs'))], shutdown: { priority: 0, timeout: 400 } })], onEvent: events.push });
    await sup.start();
    const pid = sup.status()[0].processes[0].pid!;
    const started = performance.now();
    await sup.stop();
    const took = performance.now() - started;
    const grandchild = Number(/grandchild (\d+)/.exec(await readFile(sup.logFile('stubborn'), 'utf8'))?.[1]);

    expect(took).toBeGreaterThanOrEqual(395);
    expect(took).toBeLessThan(1_500);
    expect(events.of('exit')[0]).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(await readFile(sup.logFile('stubborn'), 'utf8')).toContain('SIGTERM ignored');
    expect(grandchild).toBeGreaterThan(0);
    expect(await processLive(grandchild)).toBe(false);
    expect(await groupAlive(pid)).toBe(false);
    console.info(`[measure] stop of a SIGTERM-ignorer with timeout 400 ms took ${took.toFixed(0)} ms`);
    sup = undefined;
  });
});
