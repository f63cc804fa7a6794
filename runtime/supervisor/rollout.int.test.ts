import http from 'node:http';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, EventLog, fixture, proc, tempDir } from '../../test/fixtures/apps/harness.js';
import { Supervisor } from './supervisor.js';
import type { AppSpec, HealthSpec } from './types.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let sup: Supervisor | undefined;
beforeEach(async () => { tmp = await tempDir(); });
afterEach(async () => { await sup?.stop(); sup = undefined; await tmp.remove(); });

async function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Two free loopback ports in a row: PORT and PORT+1 of an app with `instances: 2`. */
async function portPair(): Promise<number> {
  for (let base = 20_000 + Math.floor(Math.random() * 20_000); ; base += 2) if (await listenable(base) && await listenable(base + 1)) return base;
}

const health = (port: number): HealthSpec => ({ type: 'http', target: `http://127.0.0.1:${port}/health`, interval: 100, timeout: 500, failureThreshold: 3 });

/** Instance i of a release-server app: its own PORT and health check, as the agent resolves `instances: N`. */
function twoInstances(base: number, release: string, healthy = true): AppSpec {
  return app('web', tmp.dir, {
    instances: 2, startupTimeout: 1_500,
    env: { RELEASE: release, HEALTHY: healthy ? 'yes' : 'no', OMNITRON_APP_REVISION: release },
    processes: [0, 1].map((i) => ({ ...proc(`main.${i}`, fixture('release-server.mjs')), env: { PORT: String(base + i) }, health: health(base + i) })),
  });
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c; }).on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`http ${res.statusCode}`))));
    }).on('error', reject);
  });
}

/** A client as a load balancer in front of both instances would be: each request to the next port, to the other when that one refuses. */
function clientLoop(base: number): { stop: () => Promise<{ ok: number; failed: string[]; releases: Set<string> }> } {
  let running = true;
  const result = { ok: 0, failed: [] as string[], releases: new Set<string>() };
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const first = base + (i % 2);
      const other = base + ((i + 1) % 2);
      try {
        const body = await get(first).catch(() => get(other));
        result.ok++;
        result.releases.add((JSON.parse(body) as { release: string }).release);
      } catch (err) {
        result.failed.push((err as Error).message);
      }
    }
  })();
  return { stop: async () => { running = false; await loop; return result; } };
}

describe('rollout of a new release', () => {
  it('replaces the instances of a running app one at a time, so a client sees no failed request', async () => {
    const base = await portPair();
    const events = new EventLog();
    sup = new Supervisor({ apps: [twoInstances(base, 'one')], onEvent: events.push });
    await sup.start();
    const client = clientLoop(base);

    const result = await sup.reconcile([twoInstances(base, 'two')]);
    const seen = await client.stop();

    expect(result).toMatchObject({ restarted: ['web'], rolledBack: [] });
    expect(seen.failed).toEqual([]);
    expect(seen.ok).toBeGreaterThan(0);
    expect([...seen.releases].sort()).toEqual(['one', 'two']);
    // The second instance stops only once the first runs the new release.
    expect(events.trail((e) => e.type === 'exit' || e.type === 'ready').slice(2)).toEqual(['exit web/main.0', 'ready web/main.0', 'exit web/main.1', 'ready web/main.1']);
    expect(JSON.parse(await get(base + 1))).toEqual({ release: 'two', process: 'main.1' });
  });

  it('rolls a release whose instance is not healthy in time back to the previous one, and says why', async () => {
    const base = await portPair();
    const events = new EventLog();
    sup = new Supervisor({ apps: [twoInstances(base, 'one')], onEvent: events.push });
    await sup.start();
    const client = clientLoop(base);

    const result = await sup.reconcile([twoInstances(base, 'two', false)]);
    const seen = await client.stop();

    expect(result).toMatchObject({ restarted: ['web'], rolledBack: ['web'] });
    expect(seen.failed).toEqual([]);
    expect(events.of('start-failed', 'web')).toHaveLength(1); // no retry: rolled back at once
    const web = sup.status()[0];
    expect(web).toMatchObject({ state: 'running', rolledBack: { from: 'two', to: 'one', reason: 'main.0: not ready within 1500 ms (last health answer: http 500)' } });
    expect(JSON.parse(await get(base))).toEqual({ release: 'one', process: 'main.0' });

    // The next reconcile starts from what runs, and forgets the rollback.
    expect(await sup.reconcile([twoInstances(base, 'one')])).toMatchObject({ unchanged: ['web'], rolledBack: [] });
    expect(sup.status()[0].rolledBack).toBeUndefined();
  });
});
