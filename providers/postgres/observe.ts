/**
 * One read per postgres server: roles and databases (with their ownership comments) in one query,
 * plus stored verifiers when state has passwords to check. An unreachable server makes every address
 * on it unreadable, with the cause; the planner then trusts state for them.
 */
import type { Clients, Observed, ObservedSet, ObserveRequest, ProviderContext, Scope } from '../../planner/resource.js';
import { observeServers } from '../server-observe.js';
import { databaseRows, mapRows, markPasswordDrift, roleRows, type DatabaseRow, type RoleRow, type VerifierRow } from './catalog.js';
import { pgErrorCode, withPg, type Run } from './connection.js';
import { DATABASE_TYPE } from './database.js';
import { PASSWORD_MISMATCH, ROLE_TYPE } from './role.js';
import { selectCatalog, selectVerifiers } from './sql.js';
import { postgresServers, type PgServer, type Target } from './targets.js';
import { observeSuperuser, SUPERUSER_TYPE } from './superuser.js';

type CatalogRow = { kind: 'role' | 'database'; name: string; login: boolean | null; owner: string | null; comment: string | null } & Record<string, unknown>;

const namesOf = (targets: Target[], type: string): string[] =>
  targets.filter((t) => t.type === type && t.name !== undefined).map((t) => t.name as string);

async function readVerifiers(run: Run, targets: Target[]): Promise<VerifierRow[]> {
  const names = namesOf(targets.filter((t) => t.password !== undefined), ROLE_TYPE);
  if (names.length === 0) return [];
  try {
    return await run<VerifierRow & Record<string, unknown>>(selectVerifiers(names));
  } catch (err) {
    if (pgErrorCode(err) === '42501') return []; // not a superuser: passwords cannot be checked
    throw err;
  }
}

async function readServer(server: PgServer, scope: Scope, clients: Clients): Promise<Observed[]> {
  const { targets } = server;
  return withPg(clients, server.connection, async (run) => {
    const rows = await run<CatalogRow>(selectCatalog(namesOf(targets, ROLE_TYPE), namesOf(targets, DATABASE_TYPE)));
    const roles = rows.filter((r): r is CatalogRow & RoleRow => r.kind === 'role');
    const databases = rows.filter((r): r is CatalogRow & DatabaseRow => r.kind === 'database');
    const observedRoles = mapRows(ROLE_TYPE, roleRows(roles), targets, scope);
    await markPasswordDrift(observedRoles, targets, await readVerifiers(run, targets), PASSWORD_MISMATCH);
    return [...observedRoles.values(), ...mapRows(DATABASE_TYPE, databaseRows(databases), targets, scope).values()];
  });
}

export async function observePostgres(ctx: ProviderContext, request: ObserveRequest): Promise<ObservedSet> {
  const result = await observeServers(request, postgresServers, (server) => readServer(server, ctx.scope, ctx.clients));
  // The superuser password has no catalog stamp to read back; its record is what was set.
  for (const prior of request.prior) if (prior.type === SUPERUSER_TYPE) result.objects.set(prior.address, observeSuperuser(prior));
  return result;
}
