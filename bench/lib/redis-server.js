/**
 * A throwaway Redis server for the discovery part, from the local test image, started the way the
 * discovery tests start theirs (test/support/discovery/redis-servers.ts): no persistence, protected
 * mode off, 6379 published on 127.0.0.1 only (a random host port), ready once Redis logs "Ready to
 * accept connections". Plain dockerode, so the bench needs neither testcontainers nor the TypeScript
 * test helpers. Also a synchronous removal, for cleanup on Ctrl-C.
 */
import { spawnSync } from 'node:child_process';

export const REDIS_IMAGE = 'omnitron-local/redis:7';
const EPHEMERAL = ['--save', '', '--appendonly', 'no', '--protected-mode', 'no'];
const READY = /Ready to accept connections/;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Creates and starts the container, then waits up to `timeoutMs` for the ready line. `onCreated(id)`
 * runs as soon as the container exists, before it is started, so a caller can register its removal
 * even if the start or the wait fails. Resolves to `{ id, host: '127.0.0.1', port }`.
 */
export async function startRedisServer(docker, { onCreated = () => {}, timeoutMs = 30_000 } = {}) {
  const container = await docker.createContainer({
    Image: REDIS_IMAGE,
    Cmd: ['redis-server', ...EPHEMERAL],
    Labels: { 'omnitron.bench': 'discovery' },
    ExposedPorts: { '6379/tcp': {} },
    HostConfig: { PortBindings: { '6379/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
  });
  onCreated(container.id);
  await container.start();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await container.inspect();
    if (!info.State.Running) throw new Error(`the Redis container exited (${info.State.ExitCode}): ${await logs(container)}`);
    const port = Number(info.NetworkSettings.Ports?.['6379/tcp']?.find((b) => b.HostIp === '127.0.0.1')?.HostPort);
    if (port && READY.test(await logs(container))) return { id: container.id, host: '127.0.0.1', port };
    if (Date.now() > deadline) throw new Error(`Redis was not ready within ${timeoutMs / 1000} s: ${(await logs(container)).trim().split('\n').slice(-3).join(' | ')}`);
    await sleep(100);
  }
}

/** stdout and stderr so far, as text (the multiplexing headers are harmless for a regex). */
async function logs(container) {
  return String(await container.logs({ stdout: true, stderr: true }));
}

/** docker rm -f -v, synchronously (the image declares VOLUME /data: -v drops that anonymous volume too). */
export function removeRedisServerNow(id) {
  spawnSync('docker', ['rm', '-f', '-v', id], { stdio: 'ignore' });
}
