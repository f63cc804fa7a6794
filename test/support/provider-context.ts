/** A ProviderContext for provider integration tests: a throwaway scope, events collected, no node or Docker clients. */
import type { ProviderContext, ProviderEvent } from '../../planner/resource.js';

const unused = (what: string) => () => { throw new Error(`${what} is not used by this test`); };

export function testProviderContext(project: string): { ctx: ProviderContext; events: ProviderEvent[] } {
  const events: ProviderEvent[] = [];
  const ctx: ProviderContext = {
    scope: { project, stack: 'test', root: '/nonexistent', stackDir: '/nonexistent/.omnitron/test' },
    clients: { docker: unused('docker'), transport: unused('a node transport'), forward: unused('a node tunnel') },
    signal: new AbortController().signal,
    emit: (e) => { events.push(e); },
  };
  return { ctx, events };
}
