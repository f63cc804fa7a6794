/**
 * A synthetic stack of n resources shaped like a real one: secrets and volumes that many services
 * refer to (fan-out), services with a dozen attributes and nested env maps whose templates read
 * outputs of earlier resources, and gateways that wait for dozens of services (fan-in).
 * With `withState`, prior state covers most of it so a plan is a mix of no-op, update, replace,
 * create and delete; refs only point backwards, so the graph is acyclic.
 */
import { ref, resolve, template } from '../../dist/planner/expr.js';
import { configHash } from '../../dist/planner/hash.js';

const CREATE_SHARE = 0.08;
const DELETE_SHARE = 0.05;
const UPDATE_SHARE = 0.10;
const REPLACE_SHARE = 0.005;

/** Deterministic PRNG (mulberry32), so every run and every size builds the same kind of graph. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function kindOf(i) {
  if (i % 25 === 0) return 'secret';
  if (i % 25 === 1) return 'volume';
  if (i % 100 === 50) return 'gateway';
  return 'service';
}

const TYPE = { secret: 'mem_secret', volume: 'mem_volume', service: 'mem_service', gateway: 'mem_gateway' };

function addressOf(i) {
  return `${TYPE[kindOf(i)]}.r${i}`;
}

/** Outputs the in-memory provider reports for the resource at index i. */
export function outputsOf(address) {
  const i = Number(address.slice(address.lastIndexOf('.r') + 2));
  const kind = kindOf(i);
  if (kind === 'secret') return { result: `s3cr3t-${(i * 2654435761 >>> 0).toString(36)}-${i}` };
  if (kind === 'volume') return { name: `bench_vol_${i}` };
  if (kind === 'gateway') return { url: `http://127.0.0.1:${20000 + i}` };
  return { host: '127.0.0.1', port: 10000 + i, id: `c${(i * 40503 >>> 0).toString(16).padStart(12, '0')}` };
}

/** The nearest earlier index of the given kind, or undefined. */
function earlier(i, kind, rand) {
  for (let tries = 0; tries < 8 && i > 0; tries++) {
    const j = Math.floor(rand() * i);
    if (kindOf(j) === kind) return j;
  }
  for (let j = i - 1; j >= 0; j--) if (kindOf(j) === kind) return j;
  return undefined;
}

function secretResource(i) {
  return { address: addressOf(i), type: TYPE.secret, attributes: { length: 32, special: false, keepers: { rotation: 'v1', owner: `team-${i % 7}` } }, dependsOn: [], sensitive: [] };
}

function volumeResource(i) {
  return { address: addressOf(i), type: TYPE.volume, attributes: { name: `bench_vol_${i}`, driver: 'local', labels: { 'dev.bench.volume': String(i), tier: 'data' } }, dependsOn: [], sensitive: [] };
}

function serviceEnv(i, rand) {
  const secret = earlier(i, 'secret', rand);
  const upstream = earlier(i, 'service', rand);
  const cache = earlier(i, 'service', rand);
  const env = {
    NODE_ENV: 'production', LOG_LEVEL: 'debug', PORT: String(10000 + i), SERVICE_NAME: `svc-${i}`,
    REGION: ['eu-west-1', 'us-east-1', 'ap-south-1'][i % 3], FEATURE_FLAGS: 'a,b,c', MAX_CONNECTIONS: String(20 + (i % 30)),
  };
  if (secret !== undefined) env.DATABASE_URL = template('postgres://app:', ref(addressOf(secret), 'result'), `@127.0.0.1:5432/db${i}`);
  if (upstream !== undefined) env.UPSTREAM_URL = template('http://', ref(addressOf(upstream), 'host'), ':', ref(addressOf(upstream), 'port'));
  if (cache !== undefined) env.CACHE_HOST = ref(addressOf(cache), 'host');
  return { env, sensitive: secret !== undefined ? ['env.DATABASE_URL'] : [] };
}

function serviceResource(i, rand) {
  const { env, sensitive } = serviceEnv(i, rand);
  const volume = earlier(i, 'volume', rand);
  const hub = Math.floor(i / 100) * 100 + 2;
  const dependsOn = hub < i ? [addressOf(hub)] : [];
  if (i > 10 && rand() < 0.3) dependsOn.push(addressOf(Math.floor(rand() * i)));
  const attributes = {
    name: `bench-svc-${i}`, image: `registry.local/team-${i % 7}/svc:${1 + (i % 5)}.0.${i % 11}`,
    command: ['node', 'dist/main.js', '--port', String(10000 + i)], env,
    ports: { main: 10000 + i, metrics: 30000 + (i % 20000) },
    labels: { team: `team-${i % 7}`, tier: i % 2 ? 'api' : 'worker', 'app.kubernetes.io/name': `svc-${i}` },
    resources: { memory: '256m', cpus: 0.5 }, restart: 'unless-stopped',
    healthcheck: { test: ['CMD', 'curl', '-fsS', `http://127.0.0.1:${10000 + i}/health`], interval: 10000, timeout: 3000, retries: 5, startPeriod: 5000 },
    volumes: volume !== undefined ? [{ source: ref(addressOf(volume), 'name'), target: '/data', readonly: false }] : [],
    network: 'bench_default', user: '1000:1000', workingDir: '/app',
  };
  return { address: addressOf(i), type: TYPE.service, attributes, dependsOn: [...new Set(dependsOn)], sensitive };
}

function gatewayResource(i, rand) {
  const routes = {};
  for (let k = 0; k < 10; k++) {
    const s = earlier(i, 'service', rand);
    if (s !== undefined) routes[`/r${s}`] = template('http://', ref(addressOf(s), 'host'), ':', ref(addressOf(s), 'port'));
  }
  const dependsOn = new Set();
  for (let k = 0; k < 30; k++) dependsOn.add(addressOf(Math.floor(rand() * i)));
  return { address: addressOf(i), type: TYPE.gateway, attributes: { name: `bench-gw-${i}`, listen: 20000 + i, routes, tls: { enabled: false } }, dependsOn: [...dependsOn], sensitive: [] };
}

function desiredAt(i, rand) {
  const kind = kindOf(i);
  if (kind === 'secret') return secretResource(i);
  if (kind === 'volume') return volumeResource(i);
  if (kind === 'gateway') return gatewayResource(i, rand);
  return serviceResource(i, rand);
}

/** The record state would hold after applying `attributes` (resolved against earlier outputs). */
function recordFor(r, attributes) {
  return {
    address: r.address, type: r.type, id: `id-${r.address}`, attributes, outputs: outputsOf(r.address),
    dependsOn: r.dependsOn, sensitive: r.sensitive.map((p) => `attributes.${p}`), hash: configHash(attributes), updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

/** The same record as the live object: with refresh off, observe answers from state. */
function observedFrom(record) {
  return { address: record.address, type: record.type, id: record.id, attributes: record.attributes, hash: record.hash, status: 'running' };
}

function changedAttributes(value, replace) {
  const copy = structuredClone(value);
  if (replace && 'image' in copy) copy.image = `${copy.image}-old`;
  else if (copy.env) copy.env.LOG_LEVEL = 'info';
  else if (copy.keepers) copy.keepers.rotation = 'v0';
  else if (copy.labels) copy.labels.tier = 'scratch';
  else copy.name = `${copy.name}-old`;
  return copy;
}

function deletedRecord(j) {
  const address = `mem_service.old${j}`;
  const attributes = { name: `bench-old-${j}`, image: 'registry.local/old:1', env: { LOG_LEVEL: 'info' }, ports: { main: 40000 + j } };
  const dependsOn = j > 0 && j % 4 !== 0 ? [`mem_service.old${j - 1}`] : [];
  return { address, type: TYPE.service, id: `id-${address}`, attributes, outputs: {}, dependsOn, sensitive: [], hash: configHash(attributes), updatedAt: '2025-01-01T00:00:00.000Z' };
}

/**
 * n resources in total. With state: 5% are prior records no longer in config (deletes), the newest 8%
 * of the config has no state (creates), ~10% differ from state (updates, a few replacements), the rest
 * match. Without state every resource is a create.
 */
export function syntheticStack(n, { withState = true, seed = 7 } = {}) {
  const rand = prng(seed);
  const deletes = withState ? Math.round(n * DELETE_SHARE) : 0;
  const count = n - deletes;
  const desired = [];
  for (let i = 0; i < count; i++) desired.push(desiredAt(i, rand));
  const prior = new Map();
  const observed = new Map();
  if (!withState) return { desired, prior, observed };
  const lookup = (a, o) => prior.get(a)?.outputs[o];
  const firstNew = Math.floor(count * (1 - CREATE_SHARE));
  for (let i = 0; i < firstNew; i++) {
    const r = desired[i];
    const value = resolve(r.attributes, lookup);
    const roll = rand();
    const differs = roll < UPDATE_SHARE;
    const record = recordFor(r, differs ? changedAttributes(value, roll < REPLACE_SHARE) : value);
    prior.set(r.address, record);
    observed.set(r.address, observedFrom(record));
  }
  for (let j = 0; j < deletes; j++) {
    const record = deletedRecord(j);
    prior.set(record.address, record);
    observed.set(record.address, observedFrom(record));
  }
  return { desired, prior, observed };
}

/** The flat case Terraform is usually measured with: n independent resources with a two-field input. */
export function flatStack(n) {
  const desired = [];
  for (let i = 0; i < n; i++) {
    desired.push({ address: `mem_volume.r${i}`, type: 'mem_volume', attributes: { name: `r${i}`, port: 10000 + i }, dependsOn: [], sensitive: [] });
  }
  return { desired, prior: new Map(), observed: new Map() };
}
