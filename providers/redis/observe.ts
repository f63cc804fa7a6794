/**
 * One probe per Redis server: CONFIG GET databases, then a single pipeline reading every DB's
 * ownership marker and key count. An unreachable server makes every address on it unreadable.
 */
import type { Clients, Observed, ObservedSet, ObserveRequest, ProviderContext, Scope } from '../../planner/resource.js';
import { configGetDatabases, probeAll } from './commands.js';
import { describeRedisError, withRedis } from './connection.js';
import { mapDatabases, parseDatabases, probeRows, REDIS_DATABASE_TYPE } from './probe.js';
import { collectTargets, type Server } from './targets.js';

async function readServer(server: Server, scope: Scope, clients: Clients): Promise<Observed[]> {
  return withRedis(clients, server.connection, async (session) => {
    const databases = parseDatabases(await session.run(configGetDatabases()));
    const replies = await session.pipeline(probeAll(databases));
    return [...mapDatabases(probeRows(replies, databases), databases, server.targets, scope).values()];
  });
}

export async function observeRedis(ctx: ProviderContext, request: ObserveRequest): Promise<ObservedSet> {
  const { servers, unreachable } = collectTargets(request, REDIS_DATABASE_TYPE);
  const result: ObservedSet = { objects: new Map(), unreadable: new Map(unreachable) };
  await Promise.all([...servers.values()].map(async (server) => {
    const { host, port, password } = server.connection;
    try {
      for (const o of await readServer(server, ctx.scope, ctx.clients)) result.objects.set(o.address, o);
    } catch (err) {
      const cause = `could not read redis at ${host}:${port}: ${describeRedisError(err, [password ?? ''])}`;
      for (const t of server.targets) result.unreadable.set(t.address, cause);
    }
  }));
  return result;
}
