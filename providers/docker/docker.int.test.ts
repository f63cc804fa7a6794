/**
 * The Docker provider against the real engine: a network, a volume, a local image and a redis container
 * with a health check go through create, no-op, drift (stopped, removed, env changed) and delete.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../planner/expr.js';
import { configHash } from '../../planner/hash.js';
import { ProviderError, type ApplyOp, type Decision, type DesiredResource, type ObservedSet, type PlanInput, type ProviderContext, type ProviderEvent, type StateRecord } from '../../planner/resource.js';
import type { ContainerAttributes } from './container-attributes.js';
import { lastExitCode } from './container-health.js';
import { createDockerClient, dockerProvider, scopeFilters } from './index.js';
import { dockerOnlyClients } from '../../test/support/provider-context.js';

const suffix = randomBytes(4).toString('hex');
const events: ProviderEvent[] = [];
const scope = { project: `omnitron-it-${suffix}`, stack: 'test', root: '/tmp', stackDir: '/tmp', lineage: 'test-lineage' };
const ctx: ProviderContext = { scope, clients: dockerOnlyClients(createDockerClient), signal: new AbortController().signal, emit: (e) => events.push(e) };
const docker = createDockerClient();
const state = new Map<string, StateRecord>();

const A = { network: 'docker_network.default', volume: 'docker_volume.redis_data', image: 'docker_image.redis', container: 'docker_container.redis' };
const typeOf: Record<string, string> = { [A.network]: 'docker_network', [A.volume]: 'docker_volume', [A.image]: 'docker_image', [A.container]: 'docker_container' };
let desired: Record<string, Json>;

function redis(hostPort: number, env: Record<string, string>): ContainerAttributes {
  return {
    name: `it-${suffix}-redis`,
    image: 'omnitron-local/redis:7',
    command: ['redis-server', '--protected-mode', 'no', '--appendonly', 'yes'],
    env,
    ports: [{ name: 'main', container: 6379, host: hostPort, hostIp: '127.0.0.1' }],
    volumes: [{ type: 'volume', source: `it-${suffix}-data`, target: '/data', readonly: false }],
    network: `it-${suffix}_default`,
    aliases: ['redis'],
    healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: 500, timeout: 2000, retries: 20, startPeriod: 0 },
    restart: 'unless-stopped',
    memory: '256m',
    cpus: 0.5,
    labels: { 'it.suite': 'docker-provider' },
    extraHosts: [],
  };
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function ping(port: number): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  socket.write('PING\r\n');
  const [reply] = (await new Promise<Buffer[]>((resolve, reject) => { socket.once('data', (d) => resolve([d])); socket.once('error', reject); }));
  socket.destroy();
  return reply.toString().trim();
}

function desiredResources(): DesiredResource[] {
  return Object.entries(desired).map(([address, attributes]) => ({ address, type: typeOf[address], attributes, dependsOn: [], sensitive: [] }));
}

async function planAll(): Promise<{ observed: ObservedSet; decisions: Map<string, Decision> }> {
  const observed = await dockerProvider.observe(ctx, { scope, desired: desiredResources(), prior: [...state.values()], lookup: () => undefined });
  const decisions = new Map<string, Decision>();
  for (const address of new Set([...Object.keys(desired), ...state.keys(), ...observed.objects.keys()])) {
    const type = dockerProvider.types.find((t) => t.type === typeOf[address])!;
    decisions.set(address, type.plan(planInput(address, observed)));
  }
  return { observed, decisions };
}

function planInput(address: string, observed: ObservedSet): PlanInput {
  const attrs = desired[address];
  return {
    address, desired: attrs, desiredHash: attrs === undefined ? undefined : configHash(attrs), prior: state.get(address),
    observed: observed.objects.get(address), sensitive: ['env.REDIS_PASSWORD'],
  };
}

async function applyDecision(address: string, decision: Decision, observed: ObservedSet): Promise<void> {
  const found = observed.objects.get(address);
  if (decision.action === 'noop') {
    // What the planner does for a no-op with `record`: remember the live object.
    const outputs = dockerProvider.types.find((t) => t.type === found?.type)?.recordOutputs?.(found!) ?? {};
    if (decision.record && found) state.set(address, { address, type: found.type, id: found.id, attributes: desired[address], outputs, dependsOn: [], sensitive: [], hash: configHash(desired[address]), updatedAt: '' });
    return;
  }
  const type = dockerProvider.types.find((t) => t.type === typeOf[address])!;
  const attributes = desired[address];
  const steps = type.planSteps?.(decision.action, planInput(address, observed));
  const op: ApplyOp = {
    action: decision.action, address, attributes, hash: attributes === undefined ? undefined : configHash(attributes), prior: state.get(address), observed: found, startupTimeout: 60,
    ...(steps !== undefined ? { steps } : {}),
  };
  const applied = await type.apply(ctx, op);
  if (!applied) { state.delete(address); return; }
  state.set(address, { address, type: type.type, id: applied.id, attributes: applied.attributes, outputs: applied.outputs, dependsOn: [], sensitive: [], hash: op.hash!, updatedAt: new Date().toISOString() });
}

async function converge(): Promise<Map<string, Decision>> {
  const { observed, decisions } = await planAll();
  for (const address of [A.network, A.volume, A.image, A.container]) {
    if (decisions.get(address)?.action === 'delete') continue;
    const decision = decisions.get(address);
    if (decision) await applyDecision(address, decision, observed);
  }
  for (const address of [A.container, A.image, A.volume, A.network]) {
    const decision = decisions.get(address);
    if (decision?.action === 'delete') await applyDecision(address, decision, observed);
  }
  return decisions;
}

let hostPort: number;
const containerName = () => (desired[A.container] as unknown as ContainerAttributes).name;

beforeAll(async () => {
  hostPort = await freePort();
  desired = {
    [A.network]: { name: `it-${suffix}_default`, driver: 'bridge' },
    [A.volume]: { name: `it-${suffix}-data` },
    [A.image]: { name: 'omnitron-local/redis:7' },
    [A.container]: redis(hostPort, { MODE: 'test', REDIS_PASSWORD: 'it-secret-value' }) as unknown as Json,
  };
});

afterAll(async () => {
  const filters = scopeFilters(scope);
  for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true, v: true });
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) await docker.getVolume(v.Name).remove();
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove();
});

describe('docker provider lifecycle', () => {
  it('creates network, volume and a healthy container; the local image needs no pull', async () => {
    const decisions = await converge();
    expect(decisions.get(A.network)).toMatchObject({ action: 'create' });
    expect(decisions.get(A.volume)).toMatchObject({ action: 'create' });
    expect(decisions.get(A.image)).toEqual({ action: 'noop', reason: 'image present locally', record: true });
    expect(decisions.get(A.container)).toEqual({ action: 'create', reason: 'not found' });
    expect(await ping(hostPort)).toBe('+PONG');
    expect(state.get(A.image)?.outputs).toEqual({ name: 'omnitron-local/redis:7', id: expect.stringMatching(/^sha256:/) });
    expect(state.get(A.container)?.outputs).toMatchObject({ host: '127.0.0.1', ports: { main: hostPort }, name: containerName() });
    expect(events.some((e) => e.kind === 'progress' && e.message === `creating container ${containerName()}`)).toBe(true);
  });

  it('labels what it created, passes resource limits, and observes attributes equal to config', async () => {
    const info = await docker.getContainer(containerName()).inspect();
    expect(info.Config.Labels).toMatchObject({ 'dev.omnitron.project': scope.project, 'dev.omnitron.stack': 'test', 'dev.omnitron.address': A.container, 'dev.omnitron.config-hash': configHash(desired[A.container]) });
    expect(Object.keys(info.Config.Labels)).not.toContain('omnitron.managed');
    expect([info.HostConfig.Memory, info.HostConfig.NanoCpus]).toEqual([256 * 1024 ** 2, 500_000_000]);
    const { observed, decisions } = await planAll();
    expect(observed.objects.get(A.container)?.attributes).toEqual(desired[A.container]);
    expect(Object.fromEntries(decisions)).toEqual({
      [A.network]: { action: 'noop', reason: 'matches config' },
      [A.volume]: { action: 'noop', reason: 'matches config' },
      [A.image]: { action: 'noop', reason: 'image present locally' },
      [A.container]: { action: 'noop', reason: 'container is running' },
    });
  });

  it('starts a container stopped by hand', async () => {
    await docker.getContainer(containerName()).stop({ t: 1 });
    const { decisions } = await planAll();
    expect(decisions.get(A.container)).toEqual({ action: 'update', reason: 'container is exited', diffs: [{ path: 'status', before: 'exited', after: 'running' }] });
    await converge();
    expect(await ping(hostPort)).toBe('+PONG');
    expect((await planAll()).decisions.get(A.container)).toMatchObject({ action: 'noop' });
  });

  it('recreates a container removed by hand', async () => {
    await docker.getContainer(containerName()).remove({ force: true });
    expect((await converge()).get(A.container)).toEqual({ action: 'create', reason: 'deleted outside omnitron' });
    expect(await ping(hostPort)).toBe('+PONG');
  });

  it('replaces the container when an env value changes, naming the key', async () => {
    const oldId = state.get(A.container)?.id;
    desired[A.container] = redis(hostPort, { MODE: 'changed', REDIS_PASSWORD: 'it-secret-value' }) as unknown as Json;
    const decision = (await converge()).get(A.container);
    expect(decision).toMatchObject({ action: 'replace', reason: 'config changed', forcedBy: ['env.MODE'] });
    expect(state.get(A.container)?.id).not.toBe(oldId);
    const info = await docker.getContainer(containerName()).inspect();
    expect(info.Config.Env).toContain('MODE=changed');
    expect((await planAll()).decisions.get(A.container)).toMatchObject({ action: 'noop' });
  });

  it('deletes the container but keeps its volume until the volume itself is deleted', async () => {
    delete desired[A.container];
    expect((await converge()).get(A.container)).toEqual({ action: 'delete', reason: 'no longer in config' });
    expect(await docker.listContainers({ all: true, filters: scopeFilters(scope) })).toEqual([]);
    expect((await docker.getVolume(`it-${suffix}-data`).inspect()).Name).toBe(`it-${suffix}-data`);
    delete desired[A.volume];
    delete desired[A.network];
    const decisions = await converge();
    expect(decisions.get(A.volume)).toEqual({ action: 'delete', reason: 'no longer in config' });
    await expect(docker.getVolume(`it-${suffix}-data`).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(docker.getNetwork(`it-${suffix}_default`).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('finds an orphan by its labels and plans its deletion', async () => {
    await docker.createVolume({ Name: `it-${suffix}-orphan`, Labels: { 'dev.omnitron.project': scope.project, 'dev.omnitron.stack': 'test', 'dev.omnitron.address': 'docker_volume.gone_data' } });
    typeOf['docker_volume.gone_data'] = 'docker_volume';
    const { decisions } = await planAll();
    expect(decisions.get('docker_volume.gone_data')).toEqual({ action: 'delete', reason: 'owned by this stack but not in config' });
  });

  it('adopts an unlabelled volume the config names instead of planning a create', async () => {
    const name = `it-${suffix}-adopted`;
    await docker.createVolume({ Name: name });
    try {
      typeOf['docker_volume.adopted'] = 'docker_volume';
      desired['docker_volume.adopted'] = { name };
      const { observed, decisions } = await planAll();
      expect(observed.objects.get('docker_volume.adopted')?.notes).toEqual(['found by name, not created by omnitron']);
      expect(decisions.get('docker_volume.adopted')).toEqual({ action: 'noop', reason: 'found matching config, not yet in state', record: true });
    } finally {
      delete desired['docker_volume.adopted'];
      await docker.getVolume(name).remove();
    }
  });
});

describe('health wait', () => {
  it('gives up after the startup timeout with the last health output, reporting progress meanwhile', async () => {
    const attrs: ContainerAttributes = {
      ...redis(await freePort(), {}),
      name: `it-${suffix}-sick`,
      command: ['sh', '-c', 'echo up and waiting; exec sleep 600'],
      healthcheck: { test: ['CMD-SHELL', 'echo not ready yet; exit 1'], interval: 500, timeout: 2000, retries: 100, startPeriod: 0 },
      volumes: [],
      network: undefined,
      aliases: [],
    };
    const from = events.length;
    const op: ApplyOp = { action: 'create', address: 'docker_container.sick', attributes: JSON.parse(JSON.stringify(attrs)), hash: 'h', startupTimeout: 12, steps: { existing: 'none' } };
    const failure = await dockerProvider.types.find((t) => t.type === 'docker_container')!.apply(ctx, op).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as Error).message).toBe(`container it-${suffix}-sick did not become healthy within 12s\nlast health check: not ready yet\nlast log lines:\n  up and waiting`);
    const waits = events.slice(from).filter((e) => e.address === 'docker_container.sick' && e.message.startsWith('waiting for health'));
    // Progress comes every 5 s; under load a poll lands late, so the seconds shown are a range.
    const seconds = waits.map((e) => Number(/^waiting for health \((\d+)s\)$/.exec(e.message)?.[1]));
    expect(seconds.length).toBeGreaterThanOrEqual(1);
    for (const s of seconds) {
      expect(s).toBeGreaterThanOrEqual(5);
      expect(s).toBeLessThan(12);
    }
  });

  it('fails the health wait with its logs, secrets redacted', async () => {
    const attrs: ContainerAttributes = {
      ...redis(await freePort(), { API_TOKEN: 'tok-very-secret-123' }),
      name: `it-${suffix}-crash`,
      command: ['sh', '-c', 'echo "booting with $API_TOKEN"; echo "fatal: config missing" >&2; exit 3'],
      volumes: [],
      network: undefined,
      aliases: [],
    };
    const started = Date.now();
    const op: ApplyOp = { action: 'create', address: 'docker_container.crash', attributes: JSON.parse(JSON.stringify(attrs)), hash: 'h', startupTimeout: 60, steps: { existing: 'none' } };
    const failure = await dockerProvider.types.find((t) => t.type === 'docker_container')!.apply(ctx, op).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderError);
    const message = (failure as Error).message;
    expect(message).toMatch(new RegExp(`^container it-${suffix}-crash exited with code 3`));
    expect(message).toContain('fatal: config missing');
    expect(message).toContain('booting with [redacted]');
    expect(message).not.toContain('tok-very-secret-123');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('finds the exit code of a crash the restart policy already hid', async () => {
    const started = Date.now();
    const container = await docker.createContainer({
      name: `it-${suffix}-hidden-crash`, Image: 'omnitron-local/redis:7',
      Entrypoint: ['sh', '-c', 'exit 7'], HostConfig: { RestartPolicy: { Name: 'always' } },
    });
    try {
      await container.start();
      let info = await container.inspect();
      while (info.RestartCount < 1) { await new Promise((r) => setTimeout(r, 100)); info = await container.inspect(); }
      expect(await lastExitCode(docker, container.id, started)).toBe(7);
    } finally {
      await container.remove({ force: true });
    }
  });
});
