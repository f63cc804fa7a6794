/**
 * The generated gateway config in the test bed's image (Debian's nginx, no resty.redis): the container
 * omnitron plans, run as planned, in front of an upstream on this machine and the maintenance flag in
 * a real Redis. Proves the routes, the resty.redis stand-in, the message on the page and fail-open.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve, type Value } from '../expr.js';
import type { AppSpec, ResolvedService, StackModel } from '../config/model.js';
import { gatewayDockerResources } from './gateway-docker.js';
import { freePorts } from '../../test/e2e/support/ports.js';

const exec = promisify(execFile);
const docker = async (...args: string[]) => (await exec('docker', args)).stdout.trim();
const IMAGE = 'omnitron-local/gateway:bookworm';
const PASSWORD = 'gateway-test-password';
const DEADLINE_MS = 15_000;

let dir: string;
let upstream: http.Server;
let ports: { redis: number; gateway: number; api: number };
const names = { redis: `omnitron-gwtest-redis-${process.pid}`, gateway: `omnitron-gwtest-gateway-${process.pid}` };

function stack(): { model: StackModel; service: ResolvedService } {
  const api = { name: 'api', env: { PORT: String(ports.api) }, instances: 1 } as unknown as AppSpec;
  const redis = { name: 'redis', requirement: { preset: 'redis' }, endpointPorts: { main: ports.redis } } as unknown as ResolvedService;
  const service = {
    name: 'gateway', requirement: { preset: 'openresty', startupTimeout: 60_000 }, endpointPorts: { http: ports.gateway },
    docker: { image: IMAGE, bindHost: '127.0.0.1', environment: {}, labels: {}, extraHosts: [], restart: 'no', command: [] },
  } as unknown as ResolvedService;
  const model = { project: 'gwtest', stack: { name: 'dev' }, apps: [api], services: [redis, service] } as unknown as StackModel;
  return { model, service };
}

/** Writes the planned files and starts the planned container with `docker run`. */
async function runPlannedGateway(): Promise<void> {
  const { model, service } = stack();
  const resources = gatewayDockerResources({ model, service, stackDir: dir });
  const lookup = () => PASSWORD;
  for (const file of resources.filter((r) => r.type === 'local_file')) {
    const { path: target, content } = resolve(file.attributes, lookup) as { path: string; content: string };
    await mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
    await writeFile(target, content, { mode: 0o644 });
  }
  const c = resolve(resources.find((r) => r.type === 'docker_container')!.attributes, lookup) as {
    env: Record<string, string>; volumes: Array<{ source: string; target: string }>; command: string[]; network: string; healthcheck: { test: string[] };
  };
  await chmod(dir, 0o755);
  await docker('run', '-d', '--name', names.gateway, '--network', c.network,
    ...Object.entries(c.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    ...c.volumes.flatMap((v) => ['--mount', `type=bind,source=${v.source},target=${v.target},readonly`]),
    '--health-cmd', c.healthcheck.test[1], '--health-interval', '1s', IMAGE, ...c.command);
}

async function get(url: string): Promise<{ status: number; text: string }> {
  try {
    const res = await fetch(`http://127.0.0.1:${ports.gateway}${url}`, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, text: await res.text() };
  } catch (e) {
    return { status: 0, text: (e as Error).message };
  }
}

async function until(url: string, status: number): Promise<{ status: number; text: string }> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const r = await get(url);
    if (r.status === status || Date.now() > deadline) return r;
    await new Promise((done) => setTimeout(done, 100));
  }
}

const redisCli = (...args: string[]) => docker('exec', '-e', `REDISCLI_AUTH=${PASSWORD}`, names.redis, 'redis-cli', '-p', String(ports.redis), ...args);

beforeAll(async () => {
  const [redis, gateway, api] = await freePorts(3);
  ports = { redis, gateway, api };
  dir = await mkdtemp(path.join(tmpdir(), 'omnitron-gateway-'));
  upstream = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url })));
  await new Promise<void>((done) => upstream.listen(ports.api, '127.0.0.1', done));
  await docker('run', '-d', '--name', names.redis, '--network', 'host', 'omnitron-local/redis:7',
    'redis-server', '--bind', '127.0.0.1', '--port', String(ports.redis), '--requirepass', PASSWORD, '--save', '', '--appendonly', 'no');
  await runPlannedGateway();
  expect((await until('/nginx-health', 200)).status).toBe(200);
});

afterAll(async () => {
  await exec('docker', ['rm', '-f', names.gateway, names.redis]).catch(() => {});
  upstream?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the generated gateway config, run as planned', () => {
  it('routes /api/<app>/ to the app, keeping the path', async () => {
    expect(await get('/api/api/orders?x=1')).toEqual({ status: 200, text: JSON.stringify({ path: '/api/api/orders?x=1' }) });
    expect((await get('/elsewhere')).status).toBe(404);
  });

  it('serves the maintenance page with the message (escaped) while the flag is on; /nginx-health stays up', async () => {
    await redisCli('MSET', 'gwtest:maintenance', '1', 'gwtest:maintenance:message', 'back at <b>noon</b>');
    const down = await until('/api/api/orders', 503);
    expect(down.status).toBe(503);
    expect(down.text).toContain('back at &lt;b&gt;noon&lt;/b&gt;');
    expect((await get('/nginx-health')).status).toBe(200);
    await redisCli('DEL', 'gwtest:maintenance', 'gwtest:maintenance:message');
    expect((await until('/api/api/orders', 200)).status).toBe(200);
  });

  it('fails open: with Redis gone, requests pass', async () => {
    await redisCli('SET', 'gwtest:maintenance', '1');
    expect((await until('/api/api/orders', 503)).status).toBe(503);
    await docker('rm', '-f', names.redis);
    expect((await until('/api/api/orders', 200)).status).toBe(200);
    expect(await docker('inspect', '--format', '{{.State.Health.Status}}', names.gateway)).toMatch(/healthy|starting/);
  });
});
