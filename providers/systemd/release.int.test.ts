/**
 * app_release and node_artifact on a real node, through the real planner and apply walker: releases
 * switched atomically with the previous kept and rollback as a switch only; the Node 24 binary
 * uploaded gzipped, verified and runnable; uploads skipped when the hash matches. Also times the
 * probe with many requests.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredResource, ProviderContext } from '../../planner/resource.js';
import { startNodes, type NodeBed } from '../../test/support/nodes/index.js';
import { NodePool } from '../ssh/pool.js';
import { fileFact } from './facts.js';
import { encodeRequests, parseProbeOutput, probeCommand, type ProbeRequest } from './probe.js';
import { applyAll, CountingTransport, MemoryState, observeAndPlan, summary } from '../../test/support/systemd/harness.js';

const suffix = randomBytes(4).toString('hex');
const ROOT = `/opt/omnitron/apps/it-${suffix}`;
const NODE_BINARY = path.resolve('node_modules/node/bin/node');

let bed: NodeBed;
let dir: string;
let pool: NodePool;
let node: string;
let counter: CountingTransport | undefined;
const state = new MemoryState();

const ctx = (): ProviderContext => ({
  scope: { project: 'it', stack: suffix, root: '/tmp', stackDir: '/tmp', lineage: 'test-lineage' }, signal: new AbortController().signal, emit: () => undefined,
  clients: {
    docker: () => { throw new Error('not used'); },
    forward: () => { throw new Error('not used'); },
    transport: async (name) => { counter ??= new CountingTransport(await pool.connection(name)); return counter; },
  },
});

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function tarball(name: string, main: string): Promise<{ source: string; release: string }> {
  const src = path.join(dir, `src-${name}`);
  await mkdir(path.join(src, 'dist'), { recursive: true });
  await writeFile(path.join(src, 'dist', 'main.js'), main);
  const source = path.join(dir, `${name}.tar.gz`);
  execFileSync('tar', ['-czf', source, '-C', src, '.']);
  return { source, release: await sha256File(source) };
}

const release = (r: { source: string; release: string }): DesiredResource => ({
  address: 'app_release.it', type: 'app_release', dependsOn: [], sensitive: [],
  attributes: { node, app: 'it', root: ROOT, release: r.release, source: r.source, owner: 'nobody' },
});

async function converge(desired: DesiredResource[]) {
  const { plan } = await observeAndPlan(ctx(), desired, state);
  counter?.reset();
  expect((await applyAll(ctx(), plan, state)).failed).toEqual([]);
  return plan;
}

async function onNode(argv: string[]): Promise<string> {
  return (await (await pool.connection(node)).execOrThrow(argv)).stdout;
}

beforeAll(async () => {
  bed = await startNodes({ count: 1, namePrefix: `it-rel-${suffix}` });
  node = bed.nodes[0].name;
  dir = await mkdtemp(path.join(os.tmpdir(), 'omnitron-release-'));
  pool = new NodePool(bed.nodes.map((n) => ({ name: n.name, host: '127.0.0.1', port: n.sshPort, user: 'root', privateKey: bed.privateKeyPath, hostKey: n.hostKeyFingerprint })), { concurrency: 4, timeoutMs: 10_000, sshDir: dir });
});

afterAll(async () => {
  await pool?.close();
  await bed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('app_release', () => {
  it('switches releases atomically, keeps the last five, rolls back without uploading, deletes', async () => {
    const [a, b, c] = [await tarball('a', 'A'), await tarball('b', 'B'), await tarball('c', 'C')];
    expect(summary(await converge([release(a)]))['app_release.it']).toBe('create (not found)');
    expect(state.get('app_release.it')?.outputs).toEqual({ current: a.release, previous: null });
    expect(await onNode(['cat', `${ROOT}/current/dist/main.js`])).toBe('A');

    expect(summary(await converge([release(b)]))['app_release.it']).toBe('update (config changed)');
    expect(state.get('app_release.it')?.outputs).toEqual({ current: b.release, previous: a.release });
    expect(await onNode(['readlink', `${ROOT}/current`])).toBe(`releases/${b.release}\n`);
    expect((await onNode(['ls', `${ROOT}/releases`])).split('\n').filter(Boolean).sort()).toEqual([a.release, b.release].sort());
    expect(await onNode(['stat', '-c', '%U', `${ROOT}/current/dist/main.js`])).toBe('nobody\n');

    await converge([release(a)]);
    expect(counter!.puts).toBe(0);
    expect(await onNode(['cat', `${ROOT}/current/dist/main.js`])).toBe('A');
    expect(state.get('app_release.it')?.outputs).toEqual({ current: a.release, previous: b.release });

    counter!.reset();
    const { plan } = await observeAndPlan(ctx(), [release(a)], state);
    expect(summary(plan)['app_release.it']).toBe('noop (matches config)');
    expect(counter!.roundTrips).toBe(1);

    await converge([release(c)]);
    expect((await onNode(['ls', '-A', `${ROOT}/releases`])).split('\n').filter(Boolean).sort()).toEqual([a.release, b.release, c.release].sort());
    expect((await onNode(['ls', '-A', ROOT])).split('\n').filter(Boolean)).toEqual(['current', 'history', 'releases']);

    expect(summary(await converge([]))['app_release.it']).toBe('delete (no longer in config)');
    expect((await (await pool.connection(node)).exec(['test', '-e', ROOT])).code).toBe(1);
  });
});

describe('node_artifact', () => {
  const artifact = (attrs: Record<string, string | boolean>): DesiredResource => ({
    address: 'node_artifact.node', type: 'node_artifact', dependsOn: [], sensitive: [],
    attributes: { node, path: '/usr/local/bin/node', mode: '0755', ...attrs },
  });

  it('uploads the Node 24 binary gzipped, verified and runnable; then only chmod; refuses a wrong hash', async () => {
    const gz = path.join(dir, 'node.gz');
    await pipeline(createReadStream(NODE_BINARY), createGzip({ level: 1 }), createWriteStream(gz));
    const sha256 = await sha256File(NODE_BINARY);
    const desired = artifact({ sha256, source: gz, compressed: true });
    const started = performance.now();
    await converge([desired]);
    console.log(`node_artifact: Node 24 binary (${(await readFile(gz)).length} bytes gzipped) uploaded and placed in ${(performance.now() - started).toFixed(0)} ms`);
    expect(await onNode(['/usr/local/bin/node', '--version'])).toMatch(/^v24\./);
    expect(await onNode(['sha256sum', '/usr/local/bin/node'])).toBe(`${sha256}  /usr/local/bin/node\n`);

    await onNode(['chmod', '0700', '/usr/local/bin/node']);
    const plan = await converge([desired]);
    expect(summary(plan)['node_artifact.node']).toBe('update (changed outside omnitron)');
    expect(counter!.puts).toBe(0);
    expect(await onNode(['stat', '-c', '%a', '/usr/local/bin/node'])).toBe('755\n');

    const plain = path.join(dir, 'tool');
    await writeFile(plain, 'not what was promised');
    const { plan: bad } = await observeAndPlan(ctx(), [artifact({ sha256: 'f'.repeat(64), source: plain, compressed: false })], state);
    const outcome = await applyAll(ctx(), bad, state);
    expect(outcome.failed[0]?.message).toMatch(new RegExp(`^on node ${node}: command omnitron-artifact /usr/local/bin/node.omnitron-upload /usr/local/bin/node f{64} 0755 0 exited with 3: sha256 of the uploaded file is [0-9a-f]{64}, expected f{64}$`));
    expect(await onNode(['sha256sum', '/usr/local/bin/node'])).toBe(`${sha256}  /usr/local/bin/node\n`);
    expect((await onNode(['ls', '/usr/local/bin'])).split('\n').filter(Boolean)).toEqual(['node', 'node.omnitron-sha256']);
  });
});

describe('the probe', () => {
  it('answers 200 requests in one exec (timed)', async () => {
    const requests: ProbeRequest[] = Array.from({ length: 200 }, (_, i) => ({ kind: 'file', path: i % 2 ? `/etc/hostname` : `/srv/none-${i} it's`, content: true }));
    const connection = await pool.connection(node);
    const started = performance.now();
    const result = await connection.execOrThrow(probeCommand(), { stdin: encodeRequests(requests) });
    const ms = performance.now() - started;
    const answers = parseProbeOutput(result.stdout, requests.length).map(fileFact);
    expect(answers.filter((a) => a.state === 'present')).toHaveLength(100);
    console.log(`probe: 200 file requests in one exec: ${ms.toFixed(0)} ms`);
  });
});
