/**
 * Part: the gateway's maintenance check. Requests per second through the gateway omnitron plans with
 * the check (a generated config, the stack's Redis) and through the same gateway without it, in this
 * same run (alternating rounds, median of each), with 100 concurrent keep-alive clients; and the Redis
 * commands per second the checking gateway sends meanwhile (the flag is cached 1 s in a shared dict).
 * The upstream is another nginx answering 200, so the gateway is what is measured. Containers run as
 * planned (files, env, command from gatewayDockerResources) on the host network, removed afterwards.
 * The load comes from Node in this process: on a small machine it shares the cores with nginx.
 */
import './lib/node24.js';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import { freePorts } from './lib/free-ports.js';
import { dockerProblem } from './lib/preflight.js';
import { fmt, median, nowMs, table, verdict } from './lib/stats.js';

const DIST = fileURLToPath(new URL('../dist/planner/', import.meta.url));
const GATEWAY_IMAGE = 'omnitron-local/gateway:bookworm';
const REDIS_IMAGE = 'omnitron-local/redis:7';
const CLIENTS = 100;
const ROUND_MS = 5_000;
const ROUNDS = Number(process.env.BENCH_GATEWAY_ROUNDS ?? 3);
const MAX_COST = 0.05;
const PASSWORD = 'bench-gateway-password';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const dockerCli = (...args) => {
  const r = spawnSync('docker', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docker ${args[0]} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
};

/** The planned gateway for one app at `apiPort`; with Redis (the check) or without. */
async function plannedGateway(name, dir, ports, withCheck) {
  const { gatewayDockerResources } = await import(join(DIST, 'desired/gateway-docker.js'));
  const { resolve } = await import(join(DIST, 'expr.js'));
  const api = { name: 'api', env: { PORT: String(ports.api) }, instances: 1 };
  const redis = { name: 'redis', requirement: { preset: 'redis' }, endpointPorts: { main: ports.redis } };
  const service = {
    name: 'gateway', requirement: { preset: 'openresty', startupTimeout: 60_000 }, endpointPorts: { http: ports.gateway },
    docker: { image: GATEWAY_IMAGE, bindHost: '127.0.0.1', environment: {}, labels: {}, extraHosts: [], restart: 'no', command: [] },
  };
  const model = { project: 'bench', stack: { name: 'bench' }, apps: [api], services: withCheck ? [redis, service] : [service] };
  const resources = gatewayDockerResources({ model, service, stackDir: dir });
  const lookup = () => PASSWORD;
  for (const file of resources.filter((r) => r.type === 'local_file')) {
    const { path, content } = resolve(file.attributes, lookup);
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    writeFileSync(path, content, { mode: 0o644 });
  }
  const c = resolve(resources.find((r) => r.type === 'docker_container').attributes, lookup);
  chmodSync(dir, 0o755);
  dockerCli('run', '-d', '--name', name, '--label', 'omnitron.bench=gateway', '--network', c.network,
    ...Object.entries(c.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    ...c.volumes.flatMap((v) => ['--mount', `type=bind,source=${v.source},target=${v.target},readonly`]),
    GATEWAY_IMAGE, ...c.command);
}

/** An nginx answering 200 on `port`: the app behind the gateways. */
function startUpstream(name, dir, port) {
  const conf = join(dir, 'upstream.conf');
  writeFileSync(conf, `events {}\nhttp { access_log off; server { listen 127.0.0.1:${port}; location / { return 200 "ok\\n"; } } }\n`, { mode: 0o644 });
  dockerCli('run', '-d', '--name', name, '--label', 'omnitron.bench=gateway', '--network', 'host', '--mount', `type=bind,source=${conf},target=/etc/nginx/upstream.conf,readonly`,
    GATEWAY_IMAGE, 'nginx', '-c', '/etc/nginx/upstream.conf', '-g', 'daemon off;');
}

async function waitFor(url) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).status === 200) return;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within 30 s`);
    await sleep(200);
  }
}

/** Requests per second from CLIENTS keep-alive clients looping for ROUND_MS; non-200 answers count as errors. */
async function load(port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const until = nowMs() + ROUND_MS;
  let done = 0;
  let errors = 0;
  const one = () => new Promise((resolveOne) => {
    http.get({ host: '127.0.0.1', port, path: '/api/api/orders', agent }, (res) => {
      if (res.statusCode === 200) done++; else errors++;
      res.resume().on('end', resolveOne);
    }).on('error', () => { errors++; resolveOne(); });
  });
  const started = nowMs();
  await Promise.all(Array.from({ length: CLIENTS }, async () => { while (nowMs() < until) await one(); }));
  agent.destroy();
  return { rps: done / ((nowMs() - started) / 1000), errors };
}

async function commandsExecuted(redis) {
  const info = await redis.info('commandstats');
  let calls = 0;
  for (const m of info.matchAll(/^cmdstat_(\w+(?:\|\w+)?):calls=(\d+)/gm)) if (!['info', 'config|resetstat', 'config'].includes(m[1])) calls += Number(m[2]);
  return calls;
}

export async function gatewayPart(print) {
  print(`Part: the gateway's maintenance check — requests/s with vs without it, ${CLIENTS} concurrent clients (same run), and Redis commands/s`);
  const docker = new Docker();
  const why = (await dockerProblem(docker, [GATEWAY_IMAGE, REDIS_IMAGE], 'bash scripts/build-images.sh')) ?? (existsSync(join(DIST, 'desired/gateway-docker.js')) ? undefined : 'dist/ is not built; run npm run build');
  if (why) { print(`  skipped: ${why}`); return; }
  const dir = mkdtempSync(join(tmpdir(), 'omnitron-bench-gateway-'));
  const tag = `${process.pid}`;
  const names = { redis: `omnitron-bench-redis-${tag}`, upstream: `omnitron-bench-upstream-${tag}`, checked: `omnitron-bench-gw-check-${tag}`, plain: `omnitron-bench-gw-plain-${tag}` };
  const [redisPort, api, checked, plain] = await freePorts(4);
  let redis;
  try {
    dockerCli('run', '-d', '--name', names.redis, '--label', 'omnitron.bench=gateway', '--network', 'host', REDIS_IMAGE,
      'redis-server', '--bind', '127.0.0.1', '--port', String(redisPort), '--requirepass', PASSWORD, '--save', '', '--appendonly', 'no');
    startUpstream(names.upstream, dir, api);
    await plannedGateway(names.checked, join(dir, 'checked'), { redis: redisPort, api, gateway: checked }, true);
    await plannedGateway(names.plain, join(dir, 'plain'), { redis: redisPort, api, gateway: plain }, false);
    await Promise.all([waitFor(`http://127.0.0.1:${checked}/api/api/x`), waitFor(`http://127.0.0.1:${plain}/api/api/x`)]);
    redis = new Redis({ host: '127.0.0.1', port: redisPort, password: PASSWORD });
    const workers = Number(dockerCli('exec', names.checked, 'nproc')); // worker_processes auto
    await load(checked); // warm-up: connection pools, the Lua code cache
    await load(plain);
    const withCheck = [];
    const without = [];
    const commandRates = [];
    let errors = 0;
    for (let i = 0; i < ROUNDS; i++) {
      await redis.config('RESETSTAT');
      const before = await commandsExecuted(redis);
      const started = nowMs();
      const a = await load(checked);
      commandRates.push((await commandsExecuted(redis) - before) / ((nowMs() - started) / 1000));
      const b = await load(plain);
      withCheck.push(a.rps);
      without.push(b.rps);
      errors += a.errors + b.errors;
    }
    const cost = 1 - median(withCheck) / median(without);
    print(table(['', 'requests/s (median of 3 × 5 s)', 'rounds'], [
      ['gateway with the maintenance check', fmt(median(withCheck), 0), withCheck.map((v) => fmt(v, 0)).join(' / ')],
      ['same gateway without it', fmt(median(without), 0), without.map((v) => fmt(v, 0)).join(' / ')],
    ]).split('\n').map((l) => `  ${l}`).join('\n'));
    print(`  cost of the check: ${fmt(cost * 100)} % (target < ${MAX_COST * 100} %) ${verdict(cost < MAX_COST)}${errors ? `; ${errors} requests failed` : ''}`);
    const rate = median(commandRates);
    print(`  Redis commands/s from the checking gateway under that load: ${fmt(rate, 2)} (${workers} nginx workers; target ≈ 1 per worker per second or fewer) ${verdict(rate <= workers * 1.5)}`);
  } finally {
    redis?.disconnect();
    for (const name of Object.values(names)) spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await gatewayPart((line = '') => console.log(line));
