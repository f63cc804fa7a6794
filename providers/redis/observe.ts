/**
 * One probe per Redis server: CONFIG GET databases, then a single pipeline reading every DB's
 * ownership marker and key count. An unreachable server makes every address on it unreadable.
 */
import type { Clients, Observed, ObservedSet, ObserveRequest, ProviderContext, Scope } from '../../planner/resource.js';
import { observeServers } from '../server-observe.js';
import { configGetDatabases, probeAll } from './commands.js';
import { withRedis } from './connection.js';
import { mapDatabases, parseDatabases, probeRows } from './probe.js';
import { redisServers, type RedisServer } from './targets.js';

async function readServer(server: RedisServer, scope: Scope, clients: Clients): Promise<Observed[]> {
  return withRedis(clients, server.connection, async (session) => {
    const databases = parseDatabases(await session.run(configGetDatabases()));
    const replies = await session.pipeline(probeAll(databases));
    return [...mapDatabases(probeRows(replies, databases), databases, server.targets, scope).values()];
  });
}

export function observeRedis(ctx: ProviderContext, request: ObserveRequest): Promise<ObservedSet> {
  return observeServers(request, redisServers, (server) => readServer(server, ctx.scope, ctx.clients));
}
