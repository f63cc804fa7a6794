/**
 * Redis servers for the discovery integration tests, from the local image, published on
 * 127.0.0.1 only: a single server (optionally on a fixed host port, so it survives a restart) and a
 * three-node Redis Cluster inside one container.
 */
import net from 'node:net';
import type { StartedTestContainer } from 'testcontainers';
import { loopbackContainer } from '../loopback-container.js';

export const REDIS_IMAGE = 'omnitron-local/redis:7';
/** No persistence: a restart loses every key, the harsh case for re-registration. */
const EPHEMERAL = ['--save', '', '--appendonly', 'no', '--protected-mode', 'no'];

/** A TCP port nothing on 127.0.0.1 listens on right now, below `max`. */
export async function freePort(max = 65_535): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as net.AddressInfo;
        server.close(() => resolve(p));
      });
    });
    if (port <= max) return port;
  }
}


export interface TestRedis { container: StartedTestContainer; host: '127.0.0.1'; port: number }

/**
 * `hostPort`: publish on that port instead of a random one (a restarted container keeps it).
 * `args`: more redis-server arguments (e.g. `--requirepass`), kept across a restart.
 */
export async function startRedis(options: { hostPort?: number; args?: string[] } = {}): Promise<TestRedis> {
  const { Wait } = await import('testcontainers');
  const exposed = options.hostPort === undefined ? 6379 : { container: 6379, host: options.hostPort };
  const container = await (await loopbackContainer(REDIS_IMAGE))
    .withCommand(['redis-server', ...EPHEMERAL, ...(options.args ?? [])])
    .withExposedPorts(exposed)
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
    .start();
  return { container, host: '127.0.0.1', port: container.getMappedPort(6379) };
}

/**
 * Kills and restarts the server's container (docker restart -t 0). testcontainers' own restart() waits
 * for the ready line in logs read "since" a whole second, which a fast restart can fall before.
 */
export async function restartRedis(server: TestRedis): Promise<void> {
  const { default: Docker } = await import('dockerode');
  await new Docker().getContainer(server.container.getId()).restart({ t: 0 });
}

export interface TestCluster { container: StartedTestContainer; nodes: Array<{ host: '127.0.0.1'; port: number }> }

/**
 * Three masters, each on the same port inside and outside the container and announcing 127.0.0.1,
 * so the slot map Redis hands out is reachable from the host without a natMap.
 */
export async function startRedisCluster(): Promise<TestCluster> {
  const ports: number[] = [];
  while (ports.length < 3) {
    const p = await freePort(55_000);
    if (!ports.includes(p)) ports.push(p);
  }
  const { Wait } = await import('testcontainers');
  // Nothing listens until the servers below start, so the default wait-for-ports would never end.
  const container = await (await loopbackContainer(REDIS_IMAGE))
    .withCommand(['sleep', 'infinity'])
    .withExposedPorts(...ports.map((p) => ({ container: p, host: p })))
    .withWaitStrategy(Wait.forSuccessfulCommand('true'))
    .start();
  try {
    await createCluster(container, ports);
  } catch (err) {
    await container.stop();
    throw err;
  }
  return { container, nodes: ports.map((port) => ({ host: '127.0.0.1', port })) };
}

async function createCluster(container: StartedTestContainer, ports: number[]): Promise<void> {
  for (const p of ports) {
    await mustExec(container, ['redis-server', '--port', String(p), '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${p}.conf`,
      '--cluster-announce-ip', '127.0.0.1', '--dir', '/tmp', '--daemonize', 'yes', ...EPHEMERAL]);
  }
  await waitFor(async () => (await Promise.all(ports.map((p) => container.exec(['redis-cli', '-p', String(p), 'PING'])))).every((r) => r.output.includes('PONG')));
  await mustExec(container, ['redis-cli', '--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
  await waitFor(async () => (await Promise.all(ports.map((p) => container.exec(['redis-cli', '-p', String(p), 'CLUSTER', 'INFO'])))).every((r) => r.output.includes('cluster_state:ok')));
}

async function mustExec(container: StartedTestContainer, argv: string[]): Promise<string> {
  const r = await container.exec(argv);
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} exited ${r.exitCode}: ${r.output}`);
  return r.output;
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, pollMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
