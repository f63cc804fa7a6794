/**
 * The Docker client and the one error the operator sees when the engine cannot be reached.
 * Connection settings follow docker-modem's defaults: DOCKER_HOST (unix://, tcp://, ssh://),
 * DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, else the local socket.
 */
import type Docker from 'dockerode';
import { requireBundled } from '../../contract/bundled-dependency.js';
import { ProviderError } from '../../planner/resource.js';

const UNREACHABLE_CODES = new Set([
  'ENOENT', 'ECONNREFUSED', 'EACCES', 'EPERM', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE',
]);

/**
 * dockerode is loaded on first use: plans of remote stacks never need it. The build's own copy
 * (scripts/bundle.mjs) leaves out the BuildKit session omnitron never opens, which is half its load time.
 */
export function createDockerClient(): Docker {
  const Dockerode = requireBundled('bundle/dockerode.cjs', 'dockerode') as typeof Docker;
  // The engine never reads the Host header of a call over its unix socket. An IP address there spares
  // Node's HTTP agent its IPv6 pattern (~7 ms the first time) when it rules the host out as a TLS name.
  return new Dockerode(dockerEndpoint().startsWith('unix://') ? { headers: { host: '127.0.0.1' } } : undefined);
}

/** Where the client connects, for messages: the DOCKER_HOST value or the default socket. */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

/** True for errors that mean "no engine answered" rather than "the engine said no". */
export function isUnreachable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { code?: string; statusCode?: number };
  return e.statusCode === undefined && e.code !== undefined && UNREACHABLE_CODES.has(e.code);
}

export function dockerUnreachable(err: unknown, address = 'provider.docker', endpoint = dockerEndpoint()): ProviderError {
  const cause = err instanceof Error ? err.message : String(err);
  return new ProviderError(
    address,
    `cannot reach the Docker engine at ${endpoint}: ${cause} — is dockerd running?`,
    'start the Docker daemon, or point DOCKER_HOST at a running engine',
  );
}

/** Runs a Docker call, turning "engine unreachable" into the clear ProviderError and leaving other errors alone. */
export async function reachDocker<T>(address: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isUnreachable(err)) throw dockerUnreachable(err, address);
    throw err;
  }
}
