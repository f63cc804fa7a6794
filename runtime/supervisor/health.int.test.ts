import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, EventLog, fixture, freePort, proc, tempDir } from '../../test/fixtures/apps/harness.js';
import { Supervisor } from './supervisor.js';
import type { HealthSpec } from './types.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let sup: Supervisor | undefined;
beforeEach(async () => { tmp = await tempDir(); });
afterEach(async () => { await sup?.stop(); sup = undefined; await tmp.remove(); });

const interesting = (e: { type: string }): boolean => ['ready', 'health-failed', 'restart-scheduled', 'starting', 'failed'].includes(e.type);

describe('health checks', () => {
  it('is ready when /health passes, restarts after failureThreshold consecutive 500s, and fails past the budget', async () => {
    const events = new EventLog();
    const port = await freePort();
    const health: HealthSpec = { type: 'http', target: `:${port}/health`, interval: 100, timeout: 300, failureThreshold: 3 };
    sup = new Supervisor({
      apps: [app('web', tmp.dir, { processes: [proc('http', fixture('health-server.mjs', port, 600, '500'))], health, restart: { maxRestarts: 1 } })],
      onEvent: events.push,
    });
    await sup.start();
    expect(events.of('ready')[0]).toMatchObject({ via: 'health' });
    expect(sup.status()[0].health).toBe('ok');
    await events.waitFor((e) => e.type === 'failed', 8_000);

    expect(events.trail(interesting)).toEqual([
      'starting web/http', 'ready web/http', 'health-failed web', 'health-failed web', 'health-failed web', 'restart-scheduled web/*',
      'starting web/http', 'ready web/http', 'health-failed web', 'health-failed web', 'health-failed web', 'failed web',
    ]);
    expect(events.of('health-failed').map((e) => e.consecutive)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(events.of('health-failed')[0].reason).toBe('http 500');
    expect(events.of('failed')[0].reason).toMatch(/^health check failed 3 times in a row: http 500; restart budget spent/);
    const exits = events.of('exit');
    expect(exits).toHaveLength(2);
    expect(exits.every((e) => e.signal === null && e.code === 0)).toBe(true); // stopped gracefully by SIGTERM, not crashed
    const restarted = events.of('restart-scheduled')[0];
    expect(events.of('exit')[0].t).toBeGreaterThan(restarted.t);
    expect(sup.status()[0]).toMatchObject({ state: 'failed', restarts: 1, processes: [{ lastExit: { reason: 'app failed' } }] });
  });

  it('treats a process that stops answering as unhealthy (probe timeout) and restarts it', async () => {
    const events = new EventLog();
    const port = await freePort();
    const health: HealthSpec = { type: 'http', target: `http://127.0.0.1:${port}/health`, interval: 100, timeout: 150, failureThreshold: 2 };
    sup = new Supervisor({ apps: [app('web', tmp.dir, { processes: [proc('http', fixture('health-server.mjs', port, 400, 'hang'))], health })], onEvent: events.push });
    await sup.start();
    const scheduled = await events.waitFor((e) => e.type === 'restart-scheduled', 5_000);
    await events.waitFor((e) => e.type === 'ready' && e.t > scheduled.t, 5_000);

    expect(events.of('health-failed').map((e) => [e.consecutive, e.reason])).toEqual([[1, 'no response within 150 ms'], [2, 'no response within 150 ms']]);
    expect(scheduled).toMatchObject({ process: '*', attempt: 1, delayMs: 100 });
    expect(sup.status()[0]).toMatchObject({ state: 'running', restarts: 1, health: 'ok', processes: [{ restarts: 1, lastExit: { reason: 'health check failed' } }] });
  });

  it('gates readiness on tcp and command probes too', async () => {
    const events = new EventLog();
    const port = await freePort();
    const tcp: HealthSpec = { type: 'tcp', target: String(port), interval: 50, timeout: 200, failureThreshold: 3 };
    const command: HealthSpec = { type: 'command', target: 'test "$OMNITRON_APP_NAME" = cmd', interval: 50, timeout: 1_000, failureThreshold: 3 };
    sup = new Supervisor({
      apps: [
        app('tcp', tmp.dir, { processes: [proc('srv', fixture('health-server.mjs', port))], health: tcp }),
        app('cmd', tmp.dir, { processes: [proc('main', fixture('never-ready.mjs'))], health: command }),
      ],
      onEvent: events.push,
    });
    await sup.start();
    expect(events.of('ready').map((e) => [e.app, e.via]).sort()).toEqual([['cmd', 'health'], ['tcp', 'health']]);
    expect(events.of('ready', 'cmd')[0].ms).toBeLessThan(500); // sooner than the 500 ms "alive" rule
  });
});
