import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthMonitor } from './health-monitor.js';

let server: Server | undefined;
let monitor: HealthMonitor | undefined;

afterEach(async () => {
  monitor?.stop();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A tcp check of a loopback port nobody listens on: every probe fails at once. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('the health monitor', () => {
  it('reads failing from the second miss in a row, not the first, and restarts at the threshold', async () => {
    const port = await closedPort();
    const seen: string[] = [];
    let exhausted = '';
    monitor = new HealthMonitor({ type: 'tcp', target: String(port), interval: 20, timeout: 200, failureThreshold: 3 }, { cwd: '/', env: {} }, {
      active: () => true,
      failed: (n) => seen.push(`${n}:${monitor!.health}`),
      exhausted: (reason) => { exhausted = reason; monitor!.stop(); },
    });
    monitor.reset(true);
    monitor.start();
    await expect.poll(() => exhausted, { timeout: 5_000 }).not.toBe('');
    expect(seen).toEqual(['1:ok', '2:failing', '3:failing']);
    expect(exhausted).toMatch(/^health check failed 3 times in a row: /);
  });

  it('one miss between passing probes never shows as failing', async () => {
    const port = await closedPort();
    const states: string[] = [];
    monitor = new HealthMonitor({ type: 'tcp', target: String(port), interval: 20, timeout: 200, failureThreshold: 3 }, { cwd: '/', env: {} }, {
      active: () => true,
      failed: () => {
        states.push(monitor!.health);
        server ??= createServer((s) => s.end()).listen(port, '127.0.0.1');
      },
      exhausted: () => {},
    });
    monitor.reset(false);
    monitor.start();
    await expect.poll(() => monitor!.health, { timeout: 5_000 }).toBe('ok');
    expect(states).toEqual(['unknown']);
  });
});
