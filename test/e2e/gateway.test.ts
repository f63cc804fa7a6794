/**
 * The gateway preset on the example's dev stack: the guide's nginx.conf and maintenance_check.lua
 * in front of every app, the maintenance flag flipped through the stack's Redis with `omnitron
 * maintenance`, and fail-open when Redis is gone. The `it`s share one stack, in order. The copy's
 * project is renamed, so its check reads `<project>:maintenance` where the guide's (and the example's,
 * project "platform") reads `platform:maintenance`; the Lua is otherwise the guide's, byte for byte.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireNode24 } from './support/cli.js';
import { docker, inspectContainer } from './support/docker.js';
import { APPS, createProject, type E2eProject } from './support/project.js';
import { expectExit, expectNoChanges } from './support/expect-cli.js';
import { fetchText, untilStatus, websocketGreeting } from './support/gateway-client.js';

const DEADLINE_MS = 15_000;

const gatewayUrl = (p: E2eProject, path: string) => `http://127.0.0.1:${p.gatewayPort}${path}`;
const get = (p: E2eProject, path: string) => fetchText(gatewayUrl(p, path));
const until = (p: E2eProject, path: string, status: number) => untilStatus(gatewayUrl(p, path), status, DEADLINE_MS);

describe('the gateway on a local stack', () => {
  let p: E2eProject;
  let gateway: string;

  beforeAll(async () => {
    requireNode24();
    p = await createProject();
    gateway = `${p.project}-dev-gateway`;
    const check = `${p.dir}/infra/nginx/lua/maintenance_check.lua`;
    await writeFile(check, (await readFile(check, 'utf8')).replace('"platform:maintenance"', `"${p.project}:maintenance"`));
    const r = expectExit(await p.run('apply', '--auto-approve'), 0);
    expect(r.stdout).not.toMatch(/REDIS_PASSWORD = "[^(]/);
  });
  afterAll(async () => { await p?.cleanup(); });

  it('runs healthy from the test bed\'s image on the host network, the site mounted read-only', async () => {
    const c = await inspectContainer(gateway);
    expect(c.State.Health?.Status).toBe('healthy');
    expect(await docker('inspect', '--format', '{{.Config.Image}} {{.HostConfig.NetworkMode}}', gateway)).toBe('omnitron-local/gateway:bookworm host');
    const site = await docker('exec', gateway, 'cat', '/etc/nginx/nginx.conf');
    expect(site).toContain(`upstream auth_backend { server 127.0.0.1:${p.appPorts.auth}; }`);
    expect(site).toContain(`upstream realtime_ws { server 127.0.0.1:${p.realtimeWsPort}; }`);
    const example = await readFile(`${p.dir}/infra/nginx/lua/maintenance_check.lua`, 'utf8');
    expect(await docker('exec', gateway, 'cat', '/etc/nginx/lua/maintenance_check.lua')).toBe(example.trimEnd());
    const env = await docker('inspect', '--format', '{{json .Config.Env}}', gateway);
    expect(JSON.parse(env)).toEqual(expect.arrayContaining(['REDIS_HOST=127.0.0.1', `REDIS_PORT=${p.ports.redis}`]));
  });

  it('reaches every app over HTTP', async () => {
    for (const app of APPS) {
      const r = await get(p, `/api/${app}/health`);
      expect(r.status, `${app}: ${r.text}`).toBe(200);
      expect(JSON.parse(r.text)).toMatchObject({ app, ok: true });
    }
  });

  it('reaches realtime\'s websocket transport', async () => {
    expect(JSON.parse(await websocketGreeting(`ws://127.0.0.1:${p.gatewayPort}/ws/`))).toEqual({ app: 'realtime', hello: true });
  });

  it('plans no changes on a second run', async () => {
    await expectNoChanges(p);
  });

  it('maintenance on: 503 with the site\'s maintenance page, without touching the container; off: 200 again', async () => {
    const started = (await inspectContainer(gateway)).State.StartedAt;
    const on = expectExit(await p.run('maintenance', 'on', '--message', 'back at noon'), 0);
    expect(on.stdout).toContain('maintenance is on');
    const down = await until(p, '/api/auth/health', 503);
    expect(down.status).toBe(503);
    expect(down.text).toContain('Platform is down for maintenance');
    const status = expectExit(await p.run('maintenance', 'status'), 0);
    expect(status.stdout).toContain('maintenance is on');
    expect(status.stdout).toContain('back at noon');
    expectExit(await p.run('maintenance', 'off'), 0);
    expect((await until(p, '/api/auth/health', 200)).status).toBe(200);
    expect(expectExit(await p.run('maintenance', 'status'), 0).stdout).toContain('maintenance is off');
    expect((await inspectContainer(gateway)).State.StartedAt).toBe(started);
  });

  it('fails open: with Redis stopped, requests still pass', async () => {
    await docker('stop', p.containerName('redis'));
    try {
      // Apps whose /health checks Redis answer 503 themselves: what matters is that the app answered.
      for (const app of APPS) {
        const r = await get(p, `/api/${app}/health`);
        expect(r.text, app).not.toContain('down for maintenance');
        expect(JSON.parse(r.text), app).toMatchObject({ app });
      }
      const r = await p.run('maintenance', 'status');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/cannot reach the stack's Redis/);
    } finally {
      await docker('start', p.containerName('redis'));
    }
  });
});
