/**
 * NodeConnection against real systemd+sshd nodes: root and a sudo user, hostile argv, env and stdin,
 * 20 commands at once over one connection, SFTP uploads with modes and owners, tunnels, and the pool.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../planner/resource.js';
import { startNodes, type NodeBed, type TestNode } from '../../test/support/nodes/index.js';
import { connectNode, type NodeConnection, type SshNode } from './connection.js';
import { NodePool } from './pool.js';

const suffix = randomBytes(4).toString('hex');
let bed: NodeBed;
let sshDir: string;
let root: NodeConnection;
let deploy: NodeConnection;

const HOSTILE = ['a b', "it's", '"dq"', '; touch /tmp/pwned', '$(touch /tmp/pwned)', '`touch /tmp/pwned`', '$HOME', '*', '~', 'back\\slash', '', '-n', '#x', 'A=b', '!x', 'é ü', '{a,b}', 'x && y', '|', '>out'];

function spec(node: TestNode, extra: Partial<SshNode> = {}): SshNode {
  return { name: node.name, host: '127.0.0.1', port: node.sshPort, user: 'root', privateKey: bed.privateKeyPath, hostKey: node.hostKeyFingerprint, ...extra };
}

const options = () => ({ timeoutMs: 10_000, sshDir });

beforeAll(async () => {
  bed = await startNodes({ count: 2, namePrefix: `it-ssh-${suffix}` });
  sshDir = await mkdtemp(path.join(os.tmpdir(), 'omnitron-sshdir-'));
  root = await connectNode(spec(bed.nodes[0]), options());
  deploy = await connectNode(spec(bed.nodes[0], { user: 'deploy' }), options());
});

afterAll(async () => {
  await Promise.all([root?.close(), deploy?.close()]);
  await bed?.stop();
  if (sshDir) await rm(sshDir, { recursive: true, force: true });
});

describe('exec', () => {
  it('measures a new connection plus `true`, and a command on an open one', async () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const connection = await connectNode(spec(bed.nodes[1]), options());
      expect((await connection.exec(['true'])).code).toBe(0);
      times.push(performance.now() - started);
      await connection.close();
    }
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`ssh: new connection + \`true\`: first ${times[0].toFixed(0)} ms, median ${sorted[2].toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms`);
    const started = performance.now();
    for (let i = 0; i < 20; i++) await root.execOrThrow(['true']);
    console.log(`ssh: one more \`true\` on an open connection: ${((performance.now() - started) / 20).toFixed(1)} ms on average`);
  });

  it('runs as root, and as deploy through sudo -n unless asked not to', async () => {
    expect((await root.execOrThrow(['id', '-u'])).stdout).toBe('0\n');
    expect((await deploy.execOrThrow(['id', '-u'])).stdout).toBe('0\n');
    expect((await deploy.execOrThrow(['id', '-un'], { privileged: false })).stdout).toBe('deploy\n');
  });

  it('round-trips hostile arguments exactly, directly and through sudo', async () => {
    for (const connection of [root, deploy]) {
      const { stdout } = await connection.execOrThrow(['printf', '%s\\n', ...HOSTILE]);
      expect(stdout).toBe(HOSTILE.map((v) => `${v}\n`).join(''));
      const withNewlines = await connection.execOrThrow(['printf', '%s\\0', 'two\nlines', "'\\''", '\t']);
      expect(withNewlines.stdout.split('\0').slice(0, -1)).toEqual(['two\nlines', "'\\''", '\t']);
    }
    expect((await root.exec(['test', '-e', '/tmp/pwned'])).code).toBe(1);
  });

  it('passes env values and stdin untouched', async () => {
    const env = { A: "it's $(id) `x` ; y", B: '' };
    for (const connection of [root, deploy]) {
      expect((await connection.execOrThrow(['printenv', 'A'], { env })).stdout).toBe(`${env.A}\n`);
    }
    const bytes = randomBytes(200_000);
    const { stdout } = await deploy.execOrThrow(['sha256sum'], { stdin: bytes });
    expect(stdout.split(' ')[0]).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect((await root.execOrThrow(['cat'], { stdin: 'héllo\n' })).stdout).toBe('héllo\n');
  });

  it('reports exit codes and signals, and execOrThrow names node, command and stderr', async () => {
    expect(await root.exec(['sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ code: 3, signal: undefined, stdout: 'out\n', stderr: 'err\n' });
    expect(await root.exec(['sh', '-c', 'kill -TERM $$'])).toMatchObject({ code: -1, signal: 'SIGTERM' });
    const error = await root.execOrThrow(['ls', '/no such dir']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ address: `node.${bed.nodes[0].name}` });
    expect((error as Error).message).toMatch(/^command ls '\/no such dir' exited with 2: ls: cannot access '\/no such dir': No such file or directory$/);
    const missing = await root.exec(['no-such-program-xyz']);
    expect(missing.code).toBe(127);
  });

  it('hides env values in errors', async () => {
    const error = await rejection(root.execOrThrow(['sh', '-c', 'exit 1'], { env: { TOKEN: 'sup3r-secret' } }));
    expect(error.message).not.toContain('sup3r-secret');
    const envArgv = await rejection(root.execOrThrow(['env', 'TOKEN=sup3r-secret', 'false']));
    expect(envArgv.message).toContain("'TOKEN=…'");
    expect(envArgv.message).not.toContain('sup3r-secret');
    await expect(root.exec(['true'], { env: { 'A B': 'x' } })).rejects.toMatchObject({ address: `node.${bed.nodes[0].name}`, message: expect.stringMatching(/invalid environment variable name "A B"/) });
  });

  it('runs 20 commands at once over the one connection', async () => {
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      root.execOrThrow(['sh', '-c', 'sleep 0.3; printf "%s %s" "$1" "$SSH_CONNECTION"', 'sh', String(i)])));
    const elapsed = performance.now() - started;
    expect(results.map((r) => r.stdout.split(' ')[0])).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(new Set(results.map((r) => r.stdout.split(' ').slice(1).join(' '))).size).toBe(1);
    console.log(`ssh: 20 concurrent 0.3 s commands over one connection took ${elapsed.toFixed(0)} ms`);
  });

  it('stops waiting for a command when aborted, and the connection stays usable', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 200);
    const started = performance.now();
    await expect(deploy.exec(['sleep', '30'], { signal: controller.signal })).rejects.toThrow('stop');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await deploy.exec(['true'])).code).toBe(0);
  });
});

describe('put and get', () => {
  const dir = "/etc/omnitron it's";

  it('writes content with mode as root, to a hostile path', async () => {
    const file = `${dir}/a b; $(touch /tmp/pwned).conf`;
    await root.put(file, 'hello\n', { mode: 0o640 });
    expect((await root.execOrThrow(['stat', '-c', '%a %U %G', '--', file])).stdout).toBe('640 root root\n');
    expect((await root.get(file)).toString()).toBe('hello\n');
    expect((await root.exec(['test', '-e', '/tmp/pwned'])).code).toBe(1);
  });

  it('writes root-owned paths as deploy through sudo, with owner and group', async () => {
    await deploy.put(`${dir}/by-deploy`, Buffer.from('x'), { mode: 0o600 });
    expect((await deploy.execOrThrow(['stat', '-c', '%a %U', '--', `${dir}/by-deploy`])).stdout).toBe('600 root\n');
    await deploy.put('/srv/app/owned', 'y', { mode: 0o644, owner: 'deploy', group: 'deploy' });
    expect((await deploy.execOrThrow(['stat', '-c', '%a %U %G', '--', '/srv/app/owned'])).stdout).toBe('644 deploy deploy\n');
    expect((await deploy.get(`${dir}/by-deploy`)).toString()).toBe('x');
  });

  it('replaces an existing file and copies a local file with fastPut', async () => {
    const local = path.join(sshDir, 'payload.bin');
    const bytes = randomBytes(3_000_000);
    await writeFile(local, bytes);
    await root.put('/srv/payload.bin', 'old');
    await root.put('/srv/payload.bin', { localPath: local }, { mode: 0o755 });
    expect((await root.get('/srv/payload.bin')).equals(bytes)).toBe(true);
    expect((await root.execOrThrow(['stat', '-c', '%a', '/srv/payload.bin'])).stdout).toBe('755\n');
  });

  it('leaves no temporary files behind, and get of a missing file names the node', async () => {
    const leftovers = await root.exec(['sh', '-c', 'ls -a /tmp /srv /srv/app | grep omnitron || true']);
    expect(leftovers.stdout).toBe('');
    await expect(root.get('/nope')).rejects.toThrow(/cat -- \/nope exited with 1: cat: \/nope: No such file or directory/);
  });
});

describe('tunnels', () => {
  function banner(stream: Duplex): Promise<string> {
    return new Promise((resolve, reject) => {
      stream.once('data', (chunk: Buffer) => { resolve(chunk.toString('latin1')); stream.destroy(); });
      stream.once('error', reject);
    });
  }

  it('forwardLocal streams to a port inside the node', async () => {
    expect(await banner(await deploy.forwardLocal('127.0.0.1', 22))).toMatch(/^SSH-2\.0-OpenSSH_9/);
  });

  it('listenLocal gives a 127.0.0.1 port for clients that want host and port', async () => {
    const forward = await root.listenLocal('127.0.0.1', 22);
    const first = await banner(net.connect(forward.port, forward.host));
    const second = await banner(net.connect(forward.port, forward.host));
    await forward.close();
    expect([first, second].every((b) => b.startsWith('SSH-2.0-'))).toBe(true);
  });

  it('says which node could not open a tunnel', async () => {
    await expect(root.forwardLocal('127.0.0.1', 1)).rejects.toThrow(`node ${bed.nodes[0].name} could not open a tunnel to 127.0.0.1:1`);
  });
});

describe('NodePool', () => {
  it('connects lazily, reuses one connection per node and bounds nodes worked on at once', async () => {
    const unreachable = { name: 'gone', host: '127.0.0.1', port: await closedPort(), privateKey: bed.privateKeyPath };
    const pool = new NodePool([...bed.nodes.map((n) => spec(n)), unreachable], { ...options(), concurrency: 1 });
    let active = 0;
    let peak = 0;
    const results = await pool.eachNode([...bed.nodes.map((n) => n.name), 'gone'], async (connection) => {
      peak = Math.max(peak, ++active);
      const { stdout } = await connection.execOrThrow(['hostname']);
      await new Promise((r) => setTimeout(r, 100));
      active--;
      return stdout.trim();
    });
    expect(peak).toBe(1);
    expect(results.get(bed.nodes[0].name)).toEqual({ status: 'fulfilled', value: bed.nodes[0].name });
    expect(results.get(bed.nodes[1].name)).toEqual({ status: 'fulfilled', value: bed.nodes[1].name });
    const gone = results.get('gone') as PromiseRejectedResult;
    expect(gone.reason).toMatchObject({ address: 'node.gone' });
    expect(gone.reason.message).toMatch(/cannot connect to node gone \(root@127\.0\.0\.1:\d+\): connection refused/);

    const first = await pool.connection(bed.nodes[0].name);
    expect(await pool.connection(bed.nodes[0].name)).toBe(first);
    await first.close();
    const second = await pool.connection(bed.nodes[0].name);
    expect(second).not.toBe(first);
    expect(second.isOpen).toBe(true);
    expect(await pool.newHostKeys()).toEqual([]);
    await pool.close();
    expect(second.isOpen).toBe(false);
    await expect(pool.connection(bed.nodes[0].name)).rejects.toThrow(/closed/);
  });
});

function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(() => { throw new Error('expected a failure'); }, (e: Error) => e);
}

async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
