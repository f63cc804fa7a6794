/**
 * The reads a plan makes of the Docker engine: lists by label and inspects. On the local engine's unix
 * socket they are plain GETs on node:http; dockerode stays the client for every change, and for reads
 * of an engine reached over TCP, TLS or SSH. Loading dockerode and its per-call work were ~12 ms of a
 * no-op plan of the demo stack (13 calls), which is reads only.
 */
import http from 'node:http';
import type Docker from 'dockerode';
import type { DockerFilters, DockerReads } from '../../planner/resource.js';
import { dockerEndpoint } from './client.js';

/** Plain GETs on the local socket; through dockerode (`docker`, created only then) for any other endpoint. */
export function createDockerReads(docker: () => Docker, endpoint: string = dockerEndpoint()): DockerReads {
  const socket = unixSocketOf(endpoint);
  return socket !== undefined ? socketReads(socket) : readsThrough(docker());
}

const DEFAULT_SOCKET = '/var/run/docker.sock';

/** The socket path when DOCKER_HOST names a unix socket or is unset; undefined for tcp:// and ssh://. */
export function unixSocketOf(endpoint: string): string | undefined {
  // docker-modem's reading: `unix://` alone is the default socket.
  return endpoint.startsWith('unix://') ? endpoint.slice('unix://'.length) || DEFAULT_SOCKET : undefined;
}

/** The same reads through dockerode, for engines not on a local socket (and for tests' fakes). */
export function readsThrough(docker: Docker): DockerReads {
  return {
    listContainers: (filters) => docker.listContainers({ all: true, filters }),
    listNetworks: (filters) => docker.listNetworks({ filters }),
    listVolumes: async (filters) => (await docker.listVolumes({ filters })).Volumes ?? [],
    inspectContainer: (id) => docker.getContainer(id).inspect(),
    inspectImage: (name) => docker.getImage(name).inspect(),
    inspectNetwork: (name) => docker.getNetwork(name).inspect() as Promise<Docker.NetworkInspectInfo>,
    inspectVolume: (name) => docker.getVolume(name).inspect(),
  };
}

export function socketReads(socketPath: string): DockerReads {
  // Kept alive for the run like dockerode's, so the parallel inspects reuse a handful of connections.
  const agent = new http.Agent({ keepAlive: true });
  const get = <T>(path: string): Promise<T> => getJson<T>(socketPath, agent, path);
  const query = (filters: DockerFilters) => `filters=${encodeURIComponent(JSON.stringify(filters))}`;
  return {
    listContainers: (filters) => get(`/containers/json?all=1&${query(filters)}`),
    listNetworks: (filters) => get(`/networks?${query(filters)}`),
    listVolumes: async (filters) => (await get<{ Volumes: Docker.VolumeInspectInfo[] | null }>(`/volumes?${query(filters)}`)).Volumes ?? [],
    inspectContainer: (id) => get(`/containers/${segment(id)}/json`),
    inspectImage: (name) => get(`/images/${segment(name)}/json`),
    inspectNetwork: (name) => get(`/networks/${segment(name)}`),
    inspectVolume: (name) => get(`/volumes/${segment(name)}`),
  };
}

/** A name as one path segment: a `/`, `?` or `#` in it cannot reach another endpoint. */
function segment(name: string): string {
  return encodeURIComponent(name);
}

/**
 * One GET, its JSON body on 2xx. Otherwise an error shaped like dockerode's (statusCode, json, and
 * "(HTTP code N) message"), so callers read both clients' failures alike; socket errors (no engine) pass through.
 */
function getJson<T>(socketPath: string, agent: http.Agent, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    // The engine never reads the Host header on its socket. An IP address there spares Node's HTTP agent
    // its IPv6 pattern (~4 ms to compile, once) when it rules the host out as a TLS server name.
    const req = http.get({ socketPath, path, agent, headers: { host: '127.0.0.1' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        try {
          if (status >= 200 && status < 300) resolve(JSON.parse(body) as T);
          else reject(engineError(status, body));
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('error', reject);
  });
}

function engineError(statusCode: number, body: string): Error & { statusCode: number; json: { message?: string } | null } {
  let json: { message?: string } | null = null;
  try {
    json = JSON.parse(body) as { message?: string };
  } catch {
    // not JSON: the body itself is the message
  }
  const message = json?.message ?? (body.trim() || http.STATUS_CODES[statusCode] || 'error');
  return Object.assign(new Error(`(HTTP code ${statusCode}) ${message}`), { statusCode, json });
}
