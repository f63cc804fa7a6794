import type { Clients } from '../../planner/resource.js';

/** A server address that may sit behind a node: `via` names the node to tunnel through. */
export interface Endpoint { host: string; port: number; via?: string }

/** The address to dial from this machine: the endpoint itself, or a local port tunnelled through its node. */
export async function reach<E extends Endpoint>(clients: Clients | undefined, endpoint: E): Promise<E> {
  if (!endpoint.via) return endpoint;
  if (!clients) throw new Error(`internal: ${endpoint.host}:${endpoint.port} is behind node "${endpoint.via}" but no transport was given`);
  const local = await clients.forward(endpoint.via, endpoint.host, endpoint.port);
  return { ...endpoint, host: local.host, port: local.port, via: undefined };
}
