/**
 * The gateway preset on two fresh bare-metal nodes (Debian 12 with systemd and sshd only, apt through
 * the test bed's cache): `edge` (role gateway, with the stack's Redis) runs Debian's nginx + Lua from
 * a configDir holding the guide's maintenance_check.lua, `app` runs one app, `web`, two instances
 * (PORT, PORT+1) and a websocket listener (WS_PORT, on the first instance). Requests go from the test
 * to the edge node's address: HTTP to both instances on the other node, a websocket upgrade, the
 * maintenance flag flipped with `omnitron maintenance` through the SSH tunnel, fail-open with Redis
 * stopped, and a clean plan after all that. The `it`s share one stack, in order.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodes, type NodeBed } from '../support/nodes/index.js';
import { describeRun, REPO_ROOT, requireNode24, runCli, type CliResult } from './support/cli.js';
import { expectExit } from './support/expect-cli.js';
import { sshRun } from './support/ssh.js';
import { fetchText, untilStatus, websocketGreeting } from './support/gateway-client.js';

const prefix = `e2egwbm${randomBytes(3).toString('hex')}`;
const PORT = 4180;
const WS_PORT = 4190;
const GATEWAY_PORT = 8080;
// Four packages from apt (and on a loaded machine every dpkg run is slow): minutes.
const FIRST_APPLY_MS = 900_000;
const FLAG_DEADLINE_MS = 15_000;

type NodeName = 'edge' | 'app';
let bed: NodeBed;
let root: string;
let dir: string;
let env: NodeJS.ProcessEnv;
const node = (name: NodeName) => bed.node(`${prefix}-${name}`);
const ssh = (name: NodeName, ...argv: string[]) => sshRun(node(name), bed.privateKeyPath, argv);
const cli = (timeoutMs: number, ...args: string[]) => runCli([...args, '--stack', 'production', '--no-color'], { cwd: dir, env, timeoutMs });
const gatewayUrl = (path: string) => `http://${node('edge').address}:${GATEWAY_PORT}${path}`;

const CONFIG = `const env = process.env;
const node = (name, role) => ({
  name, role, host: '127.0.0.1', address: env['GWBM_' + name.toUpperCase() + '_ADDRESS'],
  ssh: { user: 'root', port: Number(env['GWBM_' + name.toUpperCase() + '_SSH_PORT']), privateKey: env.GWBM_SSH_KEY },
});
export default {
  project: '${prefix}',
  apps: [{ name: 'web', script: './apps/web/src/server.mjs', instances: 2, startupTimeout: '30s', env: { PORT: '${PORT}', WS_PORT: '${WS_PORT}' } }],
  monitoring: { healthCheck: { interval: 500, timeout: 1_000 } },
  infrastructure: { services: { gateway: { preset: 'openresty', config: { configDir: './infra/nginx' }, ports: { http: ${GATEWAY_PORT} } } } },
  stacks: { production: { type: 'cluster', nodes: [node('edge', 'gateway'), node('app', 'app')], serviceOverrides: { redis: { placement: 'edge' } } } },
};
`;

/** The guide's layout with one app: one-line upstreams whose server statements omnitron repeats per node and instance. */
const NGINX_CONF = `worker_processes 1;
env REDIS_HOST;
env REDIS_PORT;
env REDIS_PASSWORD;
http {
lua_package_path "/etc/nginx/lua/?.lua;;";
lua_shared_dict maintenance_cache 1m;
upstream web_backend { server \${UPSTREAM_WEB_HOST}:\${UPSTREAM_WEB_PORT}; }
upstream web_ws { server \${UPSTREAM_WEB_WS_HOST}:\${UPSTREAM_WEB_WS_PORT}; }
server {
listen ${GATEWAY_PORT};
location = /nginx-health { return 200 "ok\\n"; }
location / {
access_by_lua_file /etc/nginx/lua/maintenance_check.lua;
proxy_pass http://web_backend;
}
location /ws/ {
access_by_lua_file /etc/nginx/lua/maintenance_check.lua;
proxy_pass http://web_ws;
proxy_http_version 1.1;
proxy_set_header Upgrade $http_upgrade;
proxy_set_header Connection "upgrade";
}
}
}
`;

/** Answers which port served it; the first instance also accepts websockets on WS_PORT and greets once (RFC 6455, no library). */
const SERVER = `import http from 'node:http';
import { createHash } from 'node:crypto';
const port = Number(process.env.PORT);
http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ app: 'web', port }));
}).listen(port, '0.0.0.0');
if (port === ${PORT}) {
  const ws = http.createServer((req, res) => res.writeHead(426).end());
  ws.on('upgrade', (req, socket) => {
    const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    socket.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: ' + accept + '\\r\\n\\r\\n');
    const text = Buffer.from(JSON.stringify({ app: 'web', hello: true }));
    socket.write(Buffer.concat([Buffer.from([0x81, text.length]), text]));
    socket.on('error', () => {});
  });
  ws.listen(Number(process.env.WS_PORT), '0.0.0.0');
}
`;

function expectCode(r: CliResult, code: number): CliResult {
  expect(r.code, describeRun(r)).toBe(code);
  return r;
}

const get = (path: string) => fetchText(gatewayUrl(path));
const until = (path: string, status: number) => untilStatus(gatewayUrl(path), status, FLAG_DEADLINE_MS);

describe('the gateway on bare-metal nodes', () => {
  beforeAll(async () => {
    requireNode24();
    bed = await startNodes({ count: 2, namePrefix: prefix, names: ['edge', 'app'], fresh: true });
    root = await mkdtemp(join(tmpdir(), 'omnitron-e2e-gwbm-'));
    dir = join(root, 'project');
    await mkdir(join(dir, 'apps/web/src'), { recursive: true });
    await mkdir(join(dir, 'apps/web/config'), { recursive: true });
    await mkdir(join(dir, 'infra/nginx/lua'), { recursive: true });
    await writeFile(join(dir, 'omnitron.config.mjs'), CONFIG);
    await writeFile(join(dir, 'apps/web/src/server.mjs'), SERVER);
    // The maintenance flag lives in the stack's Redis, which exists because the app asks for one.
    await writeFile(join(dir, 'apps/web/config/default.json'), JSON.stringify({ omnitron: { redis: true } }));
    await writeFile(join(dir, 'infra/nginx/nginx.conf'), NGINX_CONF);
    const guide = join(REPO_ROOT, 'examples/platform/infra/nginx');
    await writeFile(join(dir, 'infra/nginx/maintenance.html'), await readFile(join(guide, 'maintenance.html')));
    const check = await readFile(join(guide, 'lua/maintenance_check.lua'), 'utf8');
    await writeFile(join(dir, 'infra/nginx/lua/maintenance_check.lua'), check.replace('"platform:maintenance"', `"${prefix}:maintenance"`));
    env = {
      ...process.env, CI: 'true', HOME: root, OMNITRON_STATE_KEY_FILE: join(root, 'state.key'), GWBM_SSH_KEY: bed.privateKeyPath,
      ...Object.fromEntries(bed.nodes.flatMap((n) => {
        const key = n.name.slice(prefix.length + 1).toUpperCase();
        return [[`GWBM_${key}_SSH_PORT`, String(n.sshPort)], [`GWBM_${key}_ADDRESS`, n.address]];
      })),
    };
    delete env.OMNITRON_STATE_KEY;
    delete env.OMNITRON_STATE_URL;
  }, 180_000);

  afterAll(async () => {
    await bed?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('applies from nothing: the packages, the gateway\'s own unit after the apps, Debian\'s nginx left as it was', async () => {
    const started = Date.now();
    const r = expectCode(await cli(FIRST_APPLY_MS, 'apply', '--auto-approve', '--trust-new-hosts'), 0);
    console.log(`first apply of the gateway stack on fresh nodes: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const gatewayUp = r.stdout.indexOf('systemd_service.edge.gateway: Creation complete');
    expect(gatewayUp, describeRun(r)).toBeGreaterThan(r.stdout.indexOf('systemd_service.app.omnitron-agent: Creation complete'));
    expect(gatewayUp).toBeGreaterThan(r.stdout.indexOf('systemd_service.edge.redis-server: Creation complete'));
    const password = /^requirepass "?([^"\n]+)"?$/m.exec((await ssh('edge', 'cat', '/etc/redis/redis.conf')).stdout)?.[1];
    expect(password?.length).toBeGreaterThanOrEqual(16);
    expect(r.stdout + r.stderr).not.toContain(password);

    expect((await ssh('edge', 'systemctl', 'is-active', 'omnitron-gateway.service')).stdout.trim()).toBe('active');
    const site = (await ssh('edge', 'cat', '/etc/omnitron/gateway/gateway/etc/nginx/nginx.conf')).stdout;
    const app = node('app').address;
    expect(site).toContain(`upstream web_backend { server ${app}:${PORT}; server ${app}:${PORT + 1}; }`);
    expect(site).toContain(`upstream web_ws { server ${app}:${WS_PORT}; }`);
    expect((await ssh('edge', 'stat', '-c', '%U %a', '/etc/omnitron/gateway/gateway.env')).stdout.trim()).toBe('root 600');
    // Debian's own nginx.service and /etc/nginx/nginx.conf are untouched: the gateway's files exist only in its unit's namespace.
    expect((await ssh('edge', 'grep', '-c', 'sites-enabled', '/etc/nginx/nginx.conf')).stdout.trim()).not.toBe('0');
    expect((await ssh('edge', 'systemctl', 'is-active', 'nginx.service')).stdout.trim()).toBe('active');
  }, FIRST_APPLY_MS + 30_000);

  it('routes HTTP to both instances on the app node, and a websocket upgrade to its listener', async () => {
    const ports = new Set<number>();
    for (let i = 0; i < 20 && ports.size < 2; i++) {
      const r = await get(`/api/web/${i}`);
      expect(r.status, r.text).toBe(200);
      ports.add((JSON.parse(r.text) as { port: number }).port);
    }
    expect([...ports].sort()).toEqual([PORT, PORT + 1]);
    expect(JSON.parse(await websocketGreeting(`ws://${node('edge').address}:${GATEWAY_PORT}/ws/`))).toEqual({ app: 'web', hello: true });
  });

  it('maintenance on: 503 with the site\'s page through the SSH tunnel to Redis, no restart; off: 200 again', async () => {
    const pid = (await ssh('edge', 'systemctl', 'show', '-p', 'MainPID', '--value', 'omnitron-gateway.service')).stdout.trim();
    expect(expectCode(await cli(60_000, 'maintenance', 'on'), 0).stdout).toContain('maintenance is on');
    const flipped = Date.now();
    const down = await until('/api/web/', 503);
    console.log(`maintenance on → first 503 through the gateway: ${Date.now() - flipped} ms after the command returned`);
    expect(down.status).toBe(503);
    expect(down.text).toContain('Platform is down for maintenance');
    expect(expectCode(await cli(60_000, 'maintenance', 'status'), 0).stdout).toContain('maintenance is on');
    expectCode(await cli(60_000, 'maintenance', 'off'), 0);
    const cleared = Date.now();
    expect((await until('/api/web/', 200)).status).toBe(200);
    console.log(`maintenance off → first 200 through the gateway: ${Date.now() - cleared} ms after the command returned`);
    expect((await ssh('edge', 'systemctl', 'show', '-p', 'MainPID', '--value', 'omnitron-gateway.service')).stdout.trim()).toBe(pid);
  });

  it('fails open: with Redis stopped, requests still reach the app', async () => {
    expect((await ssh('edge', 'systemctl', 'stop', 'redis-server.service')).code).toBe(0);
    try {
      const r = await get('/api/web/');
      expect(r.status, r.text).toBe(200);
      expect(JSON.parse(r.text)).toMatchObject({ app: 'web' });
      expect((await cli(60_000, 'maintenance', 'status')).stderr).toMatch(/cannot reach the stack's Redis/);
    } finally {
      await ssh('edge', 'systemctl', 'start', 'redis-server.service');
    }
  });

  it('plans no changes afterwards', async () => {
    const r = expectCode(await cli(120_000, 'plan', '--detailed-exitcode'), 0);
    expect(r.stdout).toContain('No changes.');
  }, 150_000);
});
