/**
 * Bare-metal nodes for tests: containers of omnitron-local/node:bookworm running real systemd and sshd
 * (see scripts/images/node), on a user network, SSH published on 127.0.0.1. Root and a `deploy` user
 * with passwordless sudo accept one fresh ed25519 key. Everything carries the label
 * `omnitron.test=ssh-node` plus `omnitron.test.bed=<namePrefix>`, and stop() removes it all.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { sshKeyPair } from '../ssh-key-pair.js';
import { fingerprint } from '../../../providers/ssh/host-keys.js';
import { dockerExec, dockerExecOrThrow } from './docker-exec.js';

import { aptCacheOff, aptCacheOn } from './apt-cache.js';

export const NODE_IMAGE = 'omnitron-local/node:bookworm';
/** Debian 12, systemd and sshd only: a freshly installed server. */
export const FRESH_NODE_IMAGE = 'omnitron-local/node-bare:bookworm';
export const BED_LABEL = 'omnitron.test';
const BOOT_TIMEOUT_MS = 90_000;

export interface TestNode {
  name: string;
  container: string;
  /** SSH on 127.0.0.1. */
  sshPort: number;
  /** The container's IP on the bed's network. */
  address: string;
  /** SHA256 fingerprint of the node's ed25519 host key (the key ssh2 negotiates first). */
  hostKeyFingerprint: string;
  /** That key as known_hosts writes it after the host name: `ssh-ed25519 AAAA…`. */
  hostKey: string;
}

export interface NodeBed {
  nodes: TestNode[];
  network: string;
  privateKeyPath: string;
  keyPair: { private: string; public: string };
  node(name: string): TestNode;
  /** docker restart: same container, same host keys; waits until sshd answers again. */
  restart(name: string): Promise<TestNode>;
  /** A new container under the same name and SSH port: a reinstalled server with new host keys. */
  recreate(name: string): Promise<TestNode>;
  /** docker stop, leaving the container to be removed by stop(). */
  halt(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface StartNodesOptions {
  count: number;
  namePrefix: string;
  /** An existing docker network to join; by default one is created (and removed by stop()). */
  network?: string;
  /** Suffixes for the node names (`<namePrefix>-<suffix>`); default 1..count. */
  names?: readonly string[];
  /**
   * Fresh servers (FRESH_NODE_IMAGE) with nothing preinstalled: omnitron installs every package. Their
   * apt goes through the machine's shared apt cache.
   */
  fresh?: boolean;
}

export async function startNodes(opts: StartNodesOptions): Promise<NodeBed> {
  const docker = new Docker();
  const image = opts.fresh ? FRESH_NODE_IMAGE : NODE_IMAGE;
  await docker.getImage(image).inspect().catch(() => {
    throw new Error(`image ${image} is missing: run bash scripts/build-images.sh ${opts.fresh ? 'node-bare' : 'node'}`);
  });
  const labels = { [BED_LABEL]: 'ssh-node', [`${BED_LABEL}.bed`]: opts.namePrefix };
  const network = opts.network ?? `${opts.namePrefix}-net`;
  if (!opts.network) await docker.createNetwork({ Name: network, Driver: 'bridge', Labels: labels });
  const aptProxy = opts.fresh ? await aptCacheOn(docker, network) : undefined;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'omnitron-nodes-'));
  const keyPair = sshKeyPair({ comment: `${opts.namePrefix}@omnitron-test` });
  const privateKeyPath = path.join(dir, 'id_ed25519');
  await writeFile(privateKeyPath, keyPair.private, { mode: 0o600 });
  const nodes: TestNode[] = [];
  const stop = async () => {
    if (aptProxy) await aptCacheOff(docker, network);
    await removeBed(docker, opts.namePrefix, opts.network ? undefined : network, dir);
  };
  const spec = (name: string, sshPort?: number): CreateNode => ({ name, network, labels, publicKey: keyPair.public, image, ...(aptProxy ? { aptProxy } : {}), ...(sshPort ? { sshPort } : {}) });
  try {
    const names = Array.from({ length: opts.count }, (_, i) => `${opts.namePrefix}-${opts.names?.[i] ?? i + 1}`);
    nodes.push(...(await Promise.all(names.map((name) => createNode(docker, spec(name))))));
  } catch (err) {
    await stop();
    throw err;
  }
  const node = (name: string) => nodes.find((n) => n.name === name) ?? fail(`no test node ${name}`);
  const replace = (fresh: TestNode) => Object.assign(node(fresh.name), fresh);
  return {
    nodes, network, privateKeyPath, keyPair, node, stop,
    restart: async (name) => replace(await restartNode(docker, node(name))),
    recreate: async (name) => {
      await docker.getContainer(node(name).container).remove({ force: true });
      return replace(await createNode(docker, spec(name, node(name).sshPort)));
    },
    halt: async (name) => { await docker.getContainer(node(name).container).stop({ t: 5 }); },
  };
}

/** Removes every container and network of a bed, e.g. one left behind by a crashed run. */
export async function removeBed(docker: Docker, namePrefix: string, network?: string, dir?: string): Promise<void> {
  const filters = JSON.stringify({ label: [`${BED_LABEL}.bed=${namePrefix}`] });
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.filter((n) => !network || n.Name === network).map((n) => docker.getNetwork(n.Id).remove().catch(() => undefined)));
  if (dir) await rm(dir, { recursive: true, force: true });
}

interface CreateNode {
  name: string;
  network: string;
  labels: Record<string, string>;
  publicKey: string;
  /** Fixed host port (recreate); otherwise Docker picks one. */
  sshPort?: number;
  image: string;
  /** The apt proxy the node's apt uses (fresh nodes). */
  aptProxy?: string;
}

async function createNode(docker: Docker, spec: CreateNode): Promise<TestNode> {
  const container = await docker.createContainer({
    name: spec.name,
    Hostname: spec.name,
    Image: spec.image,
    Labels: spec.labels,
    ExposedPorts: { '22/tcp': {} },
    HostConfig: {
      // --privileged fails on this engine ("unable to apply caps"); systemd needs only these.
      CapAdd: ['SYS_ADMIN', 'NET_ADMIN'],
      SecurityOpt: ['seccomp=unconfined'],
      Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:ro'],
      Tmpfs: { '/run': 'rw,exec', '/run/lock': 'rw' },
      PortBindings: { '22/tcp': [{ HostIp: '127.0.0.1', HostPort: spec.sshPort ? String(spec.sshPort) : '' }] },
      NetworkMode: spec.network,
    },
    NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: [spec.name] } } },
  });
  await container.start();
  await waitForBoot(container, spec.name);
  await dockerExecOrThrow(container, ['sh', '-c', SETUP_USERS, 'sh', spec.publicKey]);
  if (spec.aptProxy) await dockerExecOrThrow(container, ['sh', '-c', 'printf \'Acquire::http::Proxy "%s";\\n\' "$1" > /etc/apt/apt.conf.d/01test-bed-proxy', 'sh', spec.aptProxy]);
  return describeNode(docker, container, spec.name);
}

async function restartNode(docker: Docker, node: TestNode): Promise<TestNode> {
  const container = docker.getContainer(node.container);
  await container.restart({ t: 5 });
  await waitForBoot(container, node.name);
  return describeNode(docker, container, node.name);
}

async function describeNode(docker: Docker, container: Docker.Container, name: string): Promise<TestNode> {
  const info = await container.inspect();
  const sshPort = Number(info.NetworkSettings.Ports['22/tcp']?.[0]?.HostPort);
  const address = Object.values(info.NetworkSettings.Networks)[0]?.IPAddress ?? '';
  const [type, key] = (await dockerExecOrThrow(container, ['cat', '/etc/ssh/ssh_host_ed25519_key.pub'])).split(' ');
  await waitForSshBanner(sshPort, name);
  return { name, container: info.Id, sshPort, address, hostKeyFingerprint: fingerprint(Buffer.from(key, 'base64')), hostKey: `${type} ${key}` };
}

/** Creates `deploy` with passwordless sudo and installs the key ($1) for root and deploy. */
const SETUP_USERS = `set -eu
id deploy >/dev/null 2>&1 || useradd --create-home --shell /bin/bash deploy
printf '%s\\n' 'deploy ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/deploy
chmod 440 /etc/sudoers.d/deploy
for user in root deploy; do
  home=$(getent passwd "$user" | cut -d: -f6)
  install -d -m 700 -o "$user" -g "$user" "$home/.ssh"
  printf '%s\\n' "$1" > "$home/.ssh/authorized_keys"
  chown "$user:$user" "$home/.ssh/authorized_keys"
  chmod 600 "$home/.ssh/authorized_keys"
done`;

async function waitForBoot(container: Docker.Container, name: string): Promise<void> {
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    const result = await dockerExec(container, ['systemctl', 'is-system-running']).catch((err: Error) => ({ stdout: err.message }));
    last = result.stdout.trim();
    if (last === 'running' || last === 'degraded') return;
    await sleep(250);
  }
  throw new Error(`test node ${name} did not finish booting in ${BOOT_TIMEOUT_MS} ms (systemctl is-system-running: ${last})`);
}

async function waitForSshBanner(port: number, name: string): Promise<void> {
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await readsBanner(port)) return;
    await sleep(200);
  }
  throw new Error(`sshd of test node ${name} did not answer on 127.0.0.1:${port}`);
}

function readsBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(2_000, () => done(false));
    socket.once('data', (chunk: Buffer) => done(chunk.toString('latin1').startsWith('SSH-2.0-')));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function fail(message: string): never {
  throw new Error(message);
}
