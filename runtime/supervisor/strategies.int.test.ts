import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, EventLog, fixture, proc, tempDir } from '../../test/fixtures/apps/harness.js';
import { Supervisor } from './supervisor.js';
import type { RestartSpec } from './types.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let sup: Supervisor | undefined;
beforeEach(async () => { tmp = await tempDir(); });
afterEach(async () => { await sup?.stop(); sup = undefined; await tmp.remove(); });

// a, b, c: b crashes once 300 ms after its first start; later runs of b stay up.
const cases: Array<{ strategy: RestartSpec['strategy']; restarted: string[] }> = [
  { strategy: 'one_for_one', restarted: ['b'] },
  { strategy: 'one_for_all', restarted: ['a', 'b', 'c'] },
  { strategy: 'rest_for_one', restarted: ['b', 'c'] },
];

describe('restart strategies', () => {
  it.each(cases)('$strategy restarts exactly $restarted when b crashes', async ({ strategy, restarted }) => {
    const events = new EventLog();
    const processes = [
      proc('a', fixture('ready-ipc.mjs', 0), true),
      proc('b', fixture('crash-once.mjs', path.join(tmp.dir, 'b-crashed'), 300), true),
      proc('c', fixture('ready-ipc.mjs', 0), true),
    ];
    sup = new Supervisor({ apps: [app('multi', tmp.dir, { processes, restart: { strategy } })], onEvent: events.push });
    await sup.start();
    const pidsBefore = sup.status()[0].processes.map((p) => p.pid);
    const crash = await events.waitFor((e) => e.type === 'exit' && e.process === 'b');
    await events.waitFor((e) => e.type === 'ready' && e.t > crash.t, 5_000, restarted.length);

    const after = events.events.filter((e) => e.t >= crash.t);
    expect(after.filter((e) => e.type === 'starting').map((e) => 'process' in e && e.process)).toEqual(restarted);
    expect(after.filter((e) => e.type === 'exit').map((e) => 'process' in e && e.process).sort()).toEqual(restarted);
    expect(after.filter((e) => e.type === 'restart-scheduled')).toMatchObject([{ process: 'b', attempt: 1, delayMs: 100 }]);
    const lastStop = Math.max(...after.filter((e) => e.type === 'exit').map((e) => e.t));
    expect(Math.min(...after.filter((e) => e.type === 'starting').map((e) => e.t))).toBeGreaterThanOrEqual(lastStop);

    const status = sup.status()[0];
    expect(status.state).toBe('running');
    expect(status.restarts).toBe(1);
    expect(status.processes.map((p) => [p.name, p.restarts])).toEqual(['a', 'b', 'c'].map((n) => [n, restarted.includes(n) ? 1 : 0]));
    status.processes.forEach((p, i) => (restarted.includes(p.name) ? expect(p.pid).not.toBe(pidsBefore[i]) : expect(p.pid).toBe(pidsBefore[i])));
    expect(status.processes.find((p) => p.name === 'b')!.lastExit).toMatchObject({ code: 1, reason: 'exited with code 1' });
    if (strategy !== 'one_for_one') expect(status.processes.find((p) => p.name === 'c')!.lastExit?.reason).toBe(`restarted with b (${strategy})`);
  });
});
