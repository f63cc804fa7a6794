import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, EventLog, fixture, proc, tempDir } from '../../test/fixtures/apps/harness.js';
import { Supervisor } from './supervisor.js';
import type { AppSpec } from './types.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let sup: Supervisor | undefined;
beforeEach(async () => { tmp = await tempDir(); });
afterEach(async () => { await sup?.stop(); sup = undefined; await tmp.remove(); });

function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)]));
}

const pidOf = (s: Supervisor, name: string): number | undefined => s.status().find((a) => a.name === name)?.processes[0].pid;

describe('reconcile', () => {
  it('starts new apps, stops removed ones, restarts changed ones and leaves the rest alone', async () => {
    const events = new EventLog();
    const fast = [proc('main', fixture('ready-ipc.mjs', 0), true)];
    const keep = app('keep', tmp.dir, { processes: fast });
    const db = app('db', tmp.dir, { processes: fast });
    const change = app('change', tmp.dir, { env: { GREETING: 'one' } });
    sup = new Supervisor({ apps: [keep, db, change, app('drop', tmp.dir, { processes: fast })], onEvent: events.push });
    await sup.start();
    const before = Object.fromEntries(['keep', 'db', 'change'].map((n) => [n, pidOf(sup!, n)]));
    const from = events.events.length;

    const result = await sup.reconcile([
      reversedKeys(keep) as AppSpec, // a fresh, deep copy with every key order reversed: still unchanged
      db,
      { ...change, env: { GREETING: 'two' } },
      app('added', tmp.dir, { dependsOn: ['change'], processes: fast }),
    ]);

    expect(result).toEqual({ started: ['added'], stopped: ['drop'], restarted: ['change'], unchanged: ['keep', 'db'], rolledBack: [] });
    const trail = events.trail((e) => e.t >= events.events[from].t && e.type !== 'metrics');
    expect(trail.slice(0, 3).sort()).toEqual(['exit change/main', 'exit drop/main', 'stopped drop']); // same shutdown batch
    expect(trail.slice(3)).toEqual(['starting change/main', 'ready change/main', 'starting added/main', 'ready added/main']);
    expect(pidOf(sup, 'keep')).toBe(before.keep);
    expect(pidOf(sup, 'db')).toBe(before.db);
    expect(pidOf(sup, 'change')).not.toBe(before.change);
    expect(sup.status().map((s) => [s.name, s.state])).toEqual([['keep', 'running'], ['db', 'running'], ['change', 'running'], ['added', 'running']]);
    expect(await readFile(sup.logFile('change'), 'utf8')).toMatch(/GREETING=one\n.*GREETING=two\n$/s);

    const again = await sup.reconcile([keep, db, { ...change, env: { GREETING: 'two' } }, app('added', tmp.dir, { dependsOn: ['change'], processes: fast })]);
    expect(again).toEqual({ started: [], stopped: [], restarted: [], unchanged: ['keep', 'db', 'change', 'added'], rolledBack: [] });
  });

  it('gives a failed app and the apps it blocked another start, though their specs did not change', async () => {
    const flaky = app('flaky', tmp.dir, { processes: [proc('main', fixture('crash-once.mjs', `${tmp.dir}/crashed-once`, 200), true)], restart: { maxRestarts: 0 } });
    const dependent = app('dependent', tmp.dir, { dependsOn: ['flaky'], processes: [proc('main', fixture('ready-ipc.mjs', 0), true)] });
    sup = new Supervisor({ apps: [flaky, dependent] });
    await sup.start();
    await new Promise<void>((resolve) => { const t = setInterval(() => { if (sup!.status()[0].state === 'failed') { clearInterval(t); resolve(); } }, 20); });
    expect(sup.status().map((s) => [s.name, s.state])).toEqual([['flaky', 'failed'], ['dependent', 'running']]);

    const result = await sup.reconcile([flaky, dependent]);
    expect(result).toEqual({ started: [], stopped: [], restarted: ['flaky'], unchanged: ['dependent'], rolledBack: [] });
    expect(sup.status().map((s) => [s.name, s.state])).toEqual([['flaky', 'running'], ['dependent', 'running']]);
  });

  it('restart(app) stops and starts it again with a fresh budget and no stopped event', async () => {
    const events = new EventLog();
    sup = new Supervisor({ apps: [app('web', tmp.dir, { processes: [proc('main', fixture('ready-ipc.mjs', 0), true)] })], onEvent: events.push });
    await sup.start();
    const pid = pidOf(sup, 'web');
    await sup.restart('web');
    expect(events.trail((e) => e.type !== 'metrics')).toEqual(['starting web/main', 'ready web/main', 'exit web/main', 'starting web/main', 'ready web/main']);
    expect(events.of('starting').map((e) => e.attempt)).toEqual([1, 2]);
    expect(pidOf(sup, 'web')).not.toBe(pid);
    expect(sup.status()[0]).toMatchObject({ state: 'running', restarts: 0 });
    await expect(sup.restart('ghost')).rejects.toThrow('unknown app "ghost"');
  });
});
