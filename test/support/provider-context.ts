/** ProviderContexts and Clients for provider tests: a throwaway scope, events collected, only the clients a test uses. */
import type Docker from 'dockerode';
import type { Clients, ProviderContext, ProviderEvent } from '../../planner/resource.js';

const unused = (what: string) => () => { throw new Error(`${what} is not used by this test`); };

/** Clients with a Docker engine and no nodes: reaching a node transport or tunnel throws. */
export function dockerOnlyClients(docker: () => Docker): Clients {
  return { docker, transport: unused('a node transport'), forward: unused('a node tunnel') };
}

export function testProviderContext(project: string): { ctx: ProviderContext; events: ProviderEvent[] } {
  const events: ProviderEvent[] = [];
  const ctx: ProviderContext = {
    scope: { project, stack: 'test', root: '/nonexistent', stackDir: '/nonexistent/.omnitron/test', lineage: 'test-lineage' },
    clients: { docker: unused('docker'), transport: unused('a node transport'), forward: unused('a node tunnel') },
    signal: new AbortController().signal,
    emit: (e) => { events.push(e); },
  };
  return { ctx, events };
}
