/**
 * The composition root: which providers a run uses and how they reach their servers. The engine and
 * providers get these through parameters, never through globals.
 */
import type Docker from 'dockerode';
import { createDockerClient, createDockerReads, dockerProvider } from '../providers/docker/index.js';
import { postgresProvider } from '../providers/postgres/index.js';
import { redisProvider } from '../providers/redis/index.js';
import { s3Provider } from '../providers/s3/index.js';
import { localProvider } from '../providers/local/index.js';
import { systemdProvider } from '../providers/systemd/index.js';
import type { NodePool } from '../providers/ssh/pool.js';
import type { SshNode } from '../providers/ssh/connection.js';
import { KNOWN_HOST_TYPE, sshProvider } from '../providers/ssh/known-host.js';
import { UserError } from '../planner/diagnostics.js';
import type { Clients, DockerReads, Provider, StateRecord } from '../planner/resource.js';
import type { NodeSpec } from '../planner/config/model.js';
import { timed } from '../planner/timing.js';

/**
 * A plan observes every provider at once, starting them in this order. Those that log in to a server come
 * first (Postgres's SCRAM handshake is the longest read of a local plan), so their round trips run while
 * the engine's and the local files' reads do their own work: ~10 ms less observing on the demo stack.
 */
export const PROVIDERS: readonly Provider[] = [postgresProvider, s3Provider, redisProvider, dockerProvider, localProvider, sshProvider, systemdProvider];

export interface ClientOptions {
  nodes: readonly NodeSpec[];
  /** State, for host keys pinned on first use. */
  records: readonly StateRecord[];
  trustNewHosts: boolean;
  signal: AbortSignal;
  /** Host keys a saved plan saw, by node: pinned where nothing else pins the node. */
  planned?: ReadonlyMap<string, string>;
}

export interface RunClients extends Clients {
  /** Connects to every node at once; throws one error naming each node that cannot be reached. */
  connectAll(): Promise<void>;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 10_000;
const NODES_AT_ONCE = 10;

export function createClients(opts: ClientOptions): RunClients {
  let docker: Docker | undefined;
  // ssh2 is loaded only by stacks that have nodes: a local plan should not pay for it.
  let pooled: Promise<NodePool> | undefined;
  const pool = () => (pooled ??= import('../providers/ssh/pool.js').then(({ NodePool: Pool }) => new Pool(opts.nodes.map((n) => sshNode(n, opts.records, opts.planned)), {
    timeoutMs: CONNECT_TIMEOUT_MS, trustNewHosts: opts.trustNewHosts, concurrency: NODES_AT_ONCE, signal: opts.signal,
  })));
  const forwards = new Map<string, Promise<{ host: string; port: number }>>();
  let dockerReads: DockerReads | undefined;
  const dockerClient = () => (docker ??= createDockerClient());
  return {
    docker: dockerClient,
    dockerReads: () => (dockerReads ??= createDockerReads(dockerClient)),
    transport: async (node) => (await pool()).connection(node),
    forward: (node, host, port) => {
      const key = `${node}\0${host}\0${port}`;
      if (!forwards.has(key)) forwards.set(key, timed(`tunnel to ${host}:${port} via node ${node}`, () => pool().then((p) => p.connection(node)).then((c) => c.listenLocal(host, port))));
      return forwards.get(key)!;
    },
    connectAll: async () => {
      const p = await pool();
      const results = await Promise.allSettled(opts.nodes.map((n) => p.connection(n.name)));
      const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ node: opts.nodes[i], err: r.reason as Error }] : []));
      if (failed.length === 0) return;
      throw new UserError(failed.map(({ node, err }) => ({
        severity: 'error' as const,
        summary: err.message.includes(`node ${node.name}`) ? err.message : `node ${node.name} (${node.ssh.user}@${node.host}:${node.ssh.port}): ${err.message}`,
        detail: (err as { hint?: string }).hint ?? 'Nothing was changed. Fix the connection (or the host key) and run the command again.',
      })));
    },
    close: async () => { if (pooled) await (await pooled).close(); },
  };
}

export function sshNode(node: NodeSpec, records: readonly StateRecord[], planned?: ReadonlyMap<string, string>): SshNode {
  const recorded = records.find((r) => r.type === KNOWN_HOST_TYPE && (r.attributes as { node?: string }).node === node.name);
  const pinned = node.hostKey ?? (recorded?.outputs.fingerprint as string | undefined) ?? planned?.get(node.name);
  return {
    name: node.name, host: node.host, port: node.ssh.port, user: node.ssh.user,
    ...(node.ssh.privateKey ? { privateKey: node.ssh.privateKey } : {}),
    ...(pinned ? { hostKey: pinned } : {}),
  };
}
