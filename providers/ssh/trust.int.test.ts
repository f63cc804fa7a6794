/**
 * Who we trust and who trusts us, against real nodes: pinned keys, known_hosts (plain and hashed),
 * trust on first use, a reinstalled node, keys from ~/.ssh and the agent, and nodes that are down.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshKeyPair } from '../../test/support/ssh-key-pair.js';
import { ProviderError } from '../../planner/resource.js';
import { startNodes, type NodeBed, type TestNode } from '../../test/support/nodes/index.js';
import { startTestAgent } from '../../test/support/nodes/test-agent.js';
import { connectNode, type ConnectOptions, type SshNode } from './connection.js';

const suffix = randomBytes(4).toString('hex');
const OTHER_FP = 'SHA256:jl6SZSbbpO0FOUgJMpcUMGPATnaO8/g5+k/nwPQbXUQ';
let bed: NodeBed;
let dir: string;
let emptySshDir: string;
let stable: TestNode;

beforeAll(async () => {
  bed = await startNodes({ count: 3, namePrefix: `it-trust-${suffix}` });
  stable = bed.nodes[0];
  dir = await mkdtemp(path.join(os.tmpdir(), 'omnitron-trust-'));
  emptySshDir = path.join(dir, 'empty-ssh');
  await mkdir(emptySshDir);
});

afterAll(async () => {
  await bed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function spec(node: TestNode, extra: Partial<SshNode> = {}): SshNode {
  return { name: node.name, host: '127.0.0.1', port: node.sshPort, privateKey: bed.privateKeyPath, ...extra };
}

async function knownHosts(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

/** The node's ed25519 host key line as ssh-keyscan prints it. */
function hostKeyLine(node: TestNode): string {
  return `[127.0.0.1]:${node.sshPort} ${node.hostKey}`;
}

function hashed(line: string): string {
  const [name, ...rest] = line.split(' ');
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')} ${rest.join(' ')}`;
}

async function failure(node: SshNode, opts: Partial<ConnectOptions> = {}): Promise<ProviderError> {
  const error = await connectNode(node, { timeoutMs: 10_000, sshDir: emptySshDir, ...opts }).then(
    async (c) => { await c.close(); throw new Error('connected, but should not have'); },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

async function connects(node: SshNode, opts: Partial<ConnectOptions> = {}) {
  const connection = await connectNode(node, { timeoutMs: 10_000, sshDir: emptySshDir, ...opts });
  const { stdout } = await connection.execOrThrow(['hostname']);
  await connection.close();
  expect(stdout.trim()).toBe(node.name);
  return connection;
}

describe('host keys', () => {
  it('accepts a pinned fingerprint and refuses a different one loudly', async () => {
    const ok = await connects(spec(stable, { hostKey: stable.hostKeyFingerprint }));
    expect(ok.hostKey).toEqual({ type: 'ssh-ed25519', fingerprint: stable.hostKeyFingerprint, status: 'trusted', source: 'pinned hostKey' });
    const error = await failure(spec(stable, { hostKey: OTHER_FP }));
    expect(error.address).toBe(`node.${stable.name}`);
    expect(error.message).toBe(`HOST KEY CHANGED for node ${stable.name} (root@127.0.0.1:${stable.sshPort})! expected ${OTHER_FP} (pinned hostKey), ` +
      `got ssh-ed25519 ${stable.hostKeyFingerprint}. Someone could be intercepting the connection (man-in-the-middle), or the node was reinstalled. Refusing to connect.`);
  });

  it('rejects a pinned value that is not a fingerprint', async () => {
    expect((await failure(spec(stable, { hostKey: 'ssh-ed25519 AAAA' }))).message).toMatch(/is not a SHA256 fingerprint/);
  });

  it('trusts plain and hashed known_hosts lines', async () => {
    const line = hostKeyLine(stable);
    const plain = await connects(spec(stable), { knownHostsPath: await knownHosts('plain', `# mine\n${line}\n`) });
    expect(plain.hostKey).toMatchObject({ status: 'trusted', source: `${path.join(dir, 'plain')}:2` });
    const hashedFile = await knownHosts('hashed', `${hashed(line)}\n`);
    expect((await connects(spec(stable), { knownHostsPath: hashedFile })).hostKey.status).toBe('trusted');
  });

  it('refuses an unknown host with its fingerprint and the lines to pin it', async () => {
    const line = hostKeyLine(stable);
    const error = await failure(spec(stable), { knownHostsPath: path.join(dir, 'missing') });
    expect(error.message).toBe(`host key of node ${stable.name} (root@127.0.0.1:${stable.sshPort}) is not known: ssh-ed25519 ${stable.hostKeyFingerprint}`);
    expect(error.hint).toContain(`hostKey: '${stable.hostKeyFingerprint}'`);
    expect(error.hint).toContain(`\n  ${line}\n`);
  });

  it('accepts a new host with trustNewHosts and reports its fingerprint, but never a changed one', async () => {
    const accepted = await connects(spec(stable), { knownHostsPath: path.join(dir, 'missing'), trustNewHosts: true });
    expect(accepted.hostKey).toEqual({ type: 'ssh-ed25519', fingerprint: stable.hostKeyFingerprint, status: 'new' });
    const wrong = `[127.0.0.1]:${stable.sshPort} ${bed.nodes[1].hostKey}`;
    const error = await failure(spec(stable), { knownHostsPath: await knownHosts('wrong', `${wrong}\n`), trustNewHosts: true });
    expect(error.message).toMatch(/^HOST KEY CHANGED/);
    expect(error.message).toContain(`expected ${bed.nodes[1].hostKeyFingerprint}`);
  });

  it('calls a reinstalled node (new host key, same address) changed against known_hosts and the pin', async () => {
    const node = bed.nodes[1];
    const before = node.hostKeyFingerprint;
    const file = await knownHosts('before-recreate', `${hostKeyLine(node)}\n`);
    await connects(spec(node), { knownHostsPath: file });
    const after = await bed.recreate(node.name);
    expect(after.hostKeyFingerprint).not.toBe(before);
    const error = await failure(spec(after), { knownHostsPath: file });
    expect(error.message).toContain(`HOST KEY CHANGED for node ${node.name} (root@127.0.0.1:${after.sshPort})! expected ${before} (${file}:1), got ssh-ed25519 ${after.hostKeyFingerprint}`);
    expect(error.hint).toContain(`ssh-keygen -R '[127.0.0.1]:${after.sshPort}'`);
    expect((await failure(spec(after, { hostKey: before }))).message).toMatch(/^HOST KEY CHANGED/);
    await connects(spec(after, { hostKey: after.hostKeyFingerprint }));
  });
});

describe('credentials', () => {
  it('uses ~/.ssh/id_ed25519 when no key is configured', async () => {
    const sshDir = path.join(dir, 'home-ssh');
    await mkdir(sshDir);
    await copyFile(bed.privateKeyPath, path.join(sshDir, 'id_ed25519'));
    await connects(spec(stable, { privateKey: undefined, user: 'deploy', hostKey: stable.hostKeyFingerprint }), { sshDir });
  });

  it('uses the agent at SSH_AUTH_SOCK, or a configured agent socket', async () => {
    const agent = await startTestAgent(bed.keyPair.private, path.join(dir, 'agent.sock'));
    const saved = process.env.SSH_AUTH_SOCK;
    try {
      process.env.SSH_AUTH_SOCK = agent.socketPath;
      await connects(spec(stable, { privateKey: undefined, hostKey: stable.hostKeyFingerprint }));
      delete process.env.SSH_AUTH_SOCK;
      await connects(spec(stable, { privateKey: undefined, agent: agent.socketPath, hostKey: stable.hostKeyFingerprint }));
      expect(agent.signatures()).toBe(2);
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      await agent.close();
    }
  });

  it('says authentication failed, and what was offered, for a key the node does not accept', async () => {
    const stranger = path.join(dir, 'stranger');
    await writeFile(stranger, sshKeyPair().private, { mode: 0o600 });
    const error = await failure(spec(stable, { privateKey: stranger, user: 'deploy', hostKey: stable.hostKeyFingerprint }));
    expect(error.message).toBe(`cannot log in to node ${stable.name} (deploy@127.0.0.1:${stable.sshPort}): authentication failed (offered: key ${stranger})`);
  });

  it('names the key file that cannot be used, and the lack of any credentials', async () => {
    const encrypted = path.join(dir, 'encrypted');
    await writeFile(encrypted, sshKeyPair({ passphrase: 'pw', cipher: 'aes256-ctr', rounds: 16 }).private, { mode: 0o600 });
    expect((await failure(spec(stable, { privateKey: encrypted }))).message).toMatch(new RegExp(`^private key ${encrypted} cannot be used: .*passphrase`));
    expect((await failure(spec(stable, { privateKey: path.join(dir, 'nope') }))).message).toBe(`cannot read private key ${path.join(dir, 'nope')}: ENOENT`);
    const saved = process.env.SSH_AUTH_SOCK;
    delete process.env.SSH_AUTH_SOCK;
    try {
      expect((await failure(spec(stable, { privateKey: undefined }))).message).toMatch(/^no SSH credentials to log in as root/);
    } finally {
      if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved;
    }
  });
});

describe('nodes that are down', () => {
  it('times out on a node that accepts TCP but never answers, naming the node', async () => {
    const node = bed.nodes[2];
    const docker = new Docker();
    await docker.getContainer(node.container).pause();
    try {
      const started = performance.now();
      const error = await failure(spec(node, { hostKey: node.hostKeyFingerprint }), { timeoutMs: 1_500 });
      expect(performance.now() - started).toBeLessThan(4_000);
      expect(error.message).toBe(`cannot connect to node ${node.name} (root@127.0.0.1:${node.sshPort}): timed out after 1500 ms`);
      const cancelling = performance.now();
      const cancelled = await failure(spec(node, { hostKey: node.hostKeyFingerprint }), { timeoutMs: 10_000, signal: AbortSignal.timeout(200) });
      expect(cancelled.message).toBe(`connecting to node ${node.name} was cancelled`);
      expect(performance.now() - cancelling).toBeLessThan(2_000);
    } finally {
      await docker.getContainer(node.container).unpause();
    }
  });

  it('reports a dropped connection and a stopped node by name, quickly', async () => {
    const node = bed.nodes[2];
    const connection = await connectNode(spec(node, { hostKey: node.hostKeyFingerprint }), { timeoutMs: 10_000, sshDir: emptySshDir });
    await bed.halt(node.name);
    const lost = await connection.exec(['true']).catch((e: Error) => e);
    expect(lost).toBeInstanceOf(ProviderError);
    expect((lost as Error).message).toMatch(new RegExp(`^connection to node ${node.name} \\(root@127\\.0\\.0\\.1:${node.sshPort}\\) lost while running true`));
    const started = performance.now();
    const error = await failure(spec(node, { hostKey: node.hostKeyFingerprint }), { timeoutMs: 5_000 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error.address).toBe(`node.${node.name}`);
    expect(error.message).toBe(`cannot connect to node ${node.name} (root@127.0.0.1:${node.sshPort}): connection refused`);
  });
});
