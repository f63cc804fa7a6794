import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, EventLog, fixture, proc, tempDir } from '../../test/fixtures/apps/harness.js';
import { Supervisor } from './supervisor.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let sup: Supervisor | undefined;
beforeEach(async () => { tmp = await tempDir(); });
afterEach(async () => { await sup?.stop(); sup = undefined; await tmp.remove(); });

describe('restart policy with real processes', () => {
  it('backs off 100/200/400 ms between attempts, then marks the app failed; a critical app also emits critical', async () => {
    const events = new EventLog();
    const crashNow = [proc('main', fixture('crash.mjs', 0, 1))];
    sup = new Supervisor({
      apps: [app('core', tmp.dir, { processes: crashNow, critical: true }), app('side', tmp.dir, { processes: crashNow })],
      onEvent: events.push,
    });
    await sup.start(); // resolves once both have failed for good

    for (const name of ['core', 'side']) {
      expect(events.of('starting', name).map((e) => e.attempt)).toEqual([1, 2, 3, 4]);
      expect(events.of('start-failed', name).map((e) => e.reason)).toEqual(Array(4).fill('exited with code 1 before ready'));
      expect(events.of('restart-scheduled', name).map((e) => [e.attempt, e.delayMs])).toEqual([[1, 100], [2, 200], [3, 400]]);
      const tail = name === 'core' ? ['starting core/main', 'failed core', 'critical core'] : ['starting side/main', 'failed side'];
      expect(events.trail((e) => e.app === name && e.type !== 'exit' && e.type !== 'start-failed').slice(-tail.length)).toEqual(tail);
      expect(events.of('failed', name)[0].reason).toMatch(/restart budget spent \(3 in 60000 ms\)/);
    }
    expect(events.count('critical')).toBe(1);
    expect(events.of('critical')[0].app).toBe('core');

    const exits = events.of('exit', 'core');
    const starts = events.of('starting', 'core');
    const overheads = [100, 200, 400].map((delay, i) => starts[i + 1].t - exits[i].t - delay);
    for (const extra of overheads) expect(extra).toBeGreaterThanOrEqual(-5);
    for (const extra of overheads) expect(extra).toBeLessThan(150);
    console.info(`[measure] exit → next start minus backoff (ms): ${overheads.map((x) => x.toFixed(1)).join(', ')}`);

    const core = sup.status().find((s) => s.name === 'core')!;
    expect(core).toMatchObject({ state: 'failed', restarts: 3, processes: [{ name: 'main', state: 'failed', restarts: 3 }] });
    expect(core.lastExit).toMatchObject({ code: 1, signal: null });
  });

  it('restarts a process that crashes while running, with backoff from its crash', async () => {
    const events = new EventLog();
    sup = new Supervisor({ apps: [app('web', tmp.dir, { processes: [proc('main', fixture('crash.mjs', 700, 3))], restart: { maxRestarts: 10 } })], onEvent: events.push });
    await sup.start();
    expect(events.of('ready', 'web')[0]).toMatchObject({ via: 'alive' });
    const secondReady = await events.waitFor((e) => e.type === 'ready' && e.app === 'web', 10_000, 3);

    expect(events.trail((e) => e.t <= secondReady.t)).toEqual([
      'starting web/main', 'ready web/main', 'exit web/main', 'restart-scheduled web/main',
      'starting web/main', 'ready web/main', 'exit web/main', 'restart-scheduled web/main', 'starting web/main', 'ready web/main',
    ]);
    expect(events.of('exit', 'web')[0]).toMatchObject({ code: 3, signal: null });
    expect(events.count('start-failed')).toBe(0);
    const [exits, scheduled, starts] = [events.of('exit'), events.of('restart-scheduled'), events.of('starting')];
    expect(scheduled.map((e) => e.delayMs)).toEqual([100, 200]);
    const overheads = [0, 1].map((i) => starts[i + 1].t - exits[i].t - scheduled[i].delayMs);
    for (const extra of overheads) expect(extra).toBeGreaterThanOrEqual(-5);
    for (const extra of overheads) expect(extra).toBeLessThan(100);
    console.info(`[measure] crash while running → restart minus backoff (ms): ${overheads.map((x) => x.toFixed(1)).join(', ')}`);
    expect(sup.status()[0]).toMatchObject({ state: 'running', restarts: 2, processes: [{ restarts: 2, lastExit: { code: 3, reason: 'exited with code 3' } }] });
  });

  it('kills a start that is not ready within startupTimeout and counts it as a failed start', async () => {
    const events = new EventLog();
    const pids: number[] = [];
    sup = new Supervisor({
      apps: [app('slow', tmp.dir, { processes: [proc('main', fixture('never-ready.mjs'), true)], startupTimeout: 300, restart: { maxRestarts: 1 } })],
      onEvent: (e) => { if (e.type === 'start-failed') pids.push(sup!.status()[0].processes[0].pid!); events.push(e); },
    });
    await sup.start();

    expect(events.trail()).toEqual([
      'starting slow/main', 'start-failed slow/main', 'exit slow/main', 'restart-scheduled slow/main',
      'starting slow/main', 'start-failed slow/main', 'exit slow/main', 'failed slow',
    ]);
    expect(events.of('start-failed').map((e) => e.reason)).toEqual(['not ready within 300 ms', 'not ready within 300 ms']);
    expect(events.of('exit')[0]).toMatchObject({ code: null, signal: 'SIGTERM' });
    const waited = events.of('start-failed')[0].t - events.of('starting')[0].t;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(800);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(sup.status()[0].processes[0].lastExit?.reason).toBe('not ready within 300 ms');
  });
  it('counts an executable that cannot be spawned as a failed start, without crashing the supervisor', async () => {
    const events = new EventLog();
    sup = new Supervisor({ apps: [app('ghost', tmp.dir, { processes: [proc('main', ['/nonexistent/omnitron-app'])], restart: { maxRestarts: 1 } })], onEvent: events.push });
    await sup.start();
    expect(events.trail()).toEqual(['starting ghost/main', 'start-failed ghost/main', 'restart-scheduled ghost/main', 'starting ghost/main', 'start-failed ghost/main', 'failed ghost']);
    expect(events.of('start-failed')[0].reason).toBe('could not start: spawn /nonexistent/omnitron-app ENOENT');
    expect(sup.status()[0]).toMatchObject({ state: 'failed', lastExit: { code: null, reason: 'could not start: spawn /nonexistent/omnitron-app ENOENT' } });
  });
});
