/**
 * The composition root: which providers a run uses and how they reach their servers. The engine and
 * providers get these through parameters, never through globals.
 */
import type Docker from 'dockerode';
import { createDockerClient, dockerProvider } from '../providers/docker/index.js';
import { postgresProvider } from '../providers/postgres/index.js';
import { redisProvider } from '../providers/redis/index.js';
import { localProvider } from '../providers/local/index.js';
import type { Clients, Provider } from '../planner/resource.js';

export const PROVIDERS: readonly Provider[] = [localProvider, dockerProvider, postgresProvider, redisProvider];

export function createClients(): Clients {
  let docker: Docker | undefined;
  return {
    docker: () => (docker ??= createDockerClient()),
    transport: async (node) => { throw new Error(`internal: no transport configured for node "${node}"`); },
    forward: async (node) => { throw new Error(`internal: no transport configured for node "${node}"`); },
  };
}
