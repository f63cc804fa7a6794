/**
 * Real Postgres (local image, testcontainers): the role/database lifecycle, ownership stamps,
 * password rotation and drift, orphans, and failures that never leak a password.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedTestContainer } from 'testcontainers';
import { configHash } from '../../planner/hash.js';
import type { Json } from '../../planner/expr.js';
import {
  ProviderError, type Applied, type ApplyOp, type DesiredResource, type ObserveRequest,
  type ResourceType, type StateRecord,
} from '../../planner/resource.js';
import { withPg, type PgConnection } from './connection.js';
import { ownershipProblems } from '../../planner/ownership.js';
import { makePlan } from '../../planner/plan.js';
import { applyPlan } from '../../planner/apply.js';
import { postgresProvider } from './index.js';
import { postgresDatabase } from './database.js';
import { postgresRole } from './role.js';
import { scramMatches } from './scram.js';
import { quoteIdent, quoteLiteral } from './sql.js';
import { loopbackContainer } from '../../test/support/loopback-container.js';
import { testProviderContext } from '../../test/support/provider-context.js';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

const suffix = randomBytes(4).toString('hex');
const adminPassword = `admin-${randomBytes(12).toString('hex')}`;
// Hostile names prove quoting end to end.
const roleName = `app "${suffix}"; x`;
const dbName = `db ${suffix}; 'y'`;
const { ctx, events } = testProviderContext(`it-${suffix}`);

let container: StartedTestContainer | undefined;
let admin: PgConnection;

async function startPostgres(): Promise<StartedTestContainer> {
  const { Wait } = await import('testcontainers');
  return (await loopbackContainer('omnitron-local/postgres:15'))
    .withEnvironment({ POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: adminPassword })
    .withExposedPorts(5432)
    .withHealthCheck({ test: ['CMD', 'pg_isready', '-U', 'postgres', '-h', '127.0.0.1'], interval: 500, timeout: 3_000, retries: 120 })
    .withWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(120_000)
    .start();
}

const roleAddr = 'postgres_role.app';
const dbAddr = 'postgres_database.app';
const roleAttrs = { name: roleName, login: true };
const dbAttrs = () => ({ name: dbName, owner: roleName });

function desired(address: string, attributes: Json, connection: Json = admin as unknown as Json): DesiredResource {
  return { address, type: address.split('.')[0], attributes, connection, dependsOn: [], sensitive: [] };
}

function request(d: DesiredResource[], prior: StateRecord[] = []): ObserveRequest {
  return { scope: ctx.scope, desired: d, prior, lookup: () => undefined };
}

/** As the engine stores it: with the connection expression the object was applied with. */
function record(address: string, applied: Applied): StateRecord {
  return {
    address, type: address.split('.')[0], id: applied.id, attributes: applied.attributes, outputs: applied.outputs,
    dependsOn: [], sensitive: [], hash: configHash(applied.attributes), updatedAt: new Date().toISOString(), connection: admin as unknown as Json,
  };
}

async function apply(type: ResourceType, op: Omit<ApplyOp, 'hash'>): Promise<Applied | undefined> {
  return type.apply(ctx, { ...op, hash: op.attributes === undefined ? undefined : configHash(op.attributes) });
}

async function loginAs(user: string, password: string, database = dbName): Promise<string> {
  return withPg(undefined, { ...admin, user, password, database }, async (run) => {
    await run({ text: 'CREATE TABLE IF NOT EXISTS notes (id serial PRIMARY KEY, body text)', values: [] });
    await run({ text: 'INSERT INTO notes (body) VALUES ($1)', values: ['hello'] });
    const rows = await run<{ who: string }>({ text: 'SELECT current_user AS who', values: [] });
    return rows[0].who;
  });
}

async function adminSql(text: string): Promise<Record<string, unknown>[]> {
  return withPg(undefined, admin, (run) => run({ text, values: [] }));
}

beforeAll(async () => {
  container = await startPostgres();
  admin = { host: '127.0.0.1', port: container.getMappedPort(5432), user: 'postgres', password: adminPassword };
});

afterAll(async () => {
  await container?.stop();
});

describe('postgres provider against a real server', () => {
  let role: StateRecord;
  let db: StateRecord;

  it('creates a role and its database that observe then finds stamped, so the plan is a no-op', async () => {
    const first = await postgresProvider.observe(ctx, request([desired(roleAddr, roleAttrs), desired(dbAddr, dbAttrs())]));
    expect(first.objects.size).toBe(0);
    expect(first.unreadable.size).toBe(0);

    const appliedRole = await apply(postgresRole, { action: 'create', address: roleAddr, attributes: roleAttrs, connection: admin as never });
    const appliedDb = await apply(postgresDatabase, { action: 'create', address: dbAddr, attributes: dbAttrs(), connection: admin as never });
    role = record(roleAddr, appliedRole!);
    db = record(dbAddr, appliedDb!);
    expect(role.outputs.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(role.outputs.name).toBe(roleName);

    const seen = await postgresProvider.observe(ctx, request([desired(roleAddr, roleAttrs), desired(dbAddr, dbAttrs())], [role, db]));
    expect(seen.objects.get(roleAddr)).toEqual({ address: roleAddr, type: 'postgres_role', id: roleName, attributes: roleAttrs, hash: role.hash, owner: { kind: 'this' } });
    expect(seen.objects.get(dbAddr)).toEqual({ address: dbAddr, type: 'postgres_database', id: dbName, attributes: dbAttrs(), hash: db.hash, owner: { kind: 'this' } });
    const input = (address: string, attrs: Json, prior: StateRecord) =>
      ({ address, desired: attrs, desiredHash: configHash(attrs), prior, observed: seen.objects.get(address), sensitive: [] });
    expect(postgresRole.plan(input(roleAddr, roleAttrs, role))).toEqual({ action: 'noop', reason: 'matches config' });
    expect(postgresDatabase.plan(input(dbAddr, dbAttrs(), db))).toEqual({ action: 'noop', reason: 'matches config' });
  });

  it('lets the app log in with the generated password and create a table in its database', async () => {
    expect(await loginAs(roleName, role.outputs.password as string)).toBe(roleName);
    const [{ owner }] = await withPg(undefined, { ...admin, database: dbName }, (run) =>
      run<{ owner: string }>({ text: "SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'notes'", values: [] }));
    expect(owner).toBe(roleName);
  });

  it('create is idempotent: re-running it after a crash alters the existing role and database', async () => {
    const again = await apply(postgresRole, { action: 'create', address: roleAddr, attributes: roleAttrs, connection: admin as never });
    await apply(postgresDatabase, { action: 'create', address: dbAddr, attributes: dbAttrs(), connection: admin as never });
    role = record(roleAddr, again!);
    expect(await loginAs(roleName, role.outputs.password as string)).toBe(roleName);
  });

  it('replace rotates the password: the old one fails, the new one works, the database stays', async () => {
    const old = role.outputs.password as string;
    const rotated = await apply(postgresRole, { action: 'replace', address: roleAddr, attributes: roleAttrs, connection: admin as never, prior: role });
    role = record(roleAddr, rotated!);
    expect(role.outputs.password).not.toBe(old);
    await expect(loginAs(roleName, old)).rejects.toThrow(/password authentication failed/);
    expect(await loginAs(roleName, role.outputs.password as string)).toBe(roleName);
  });

  it('update keeps the password in state', async () => {
    const updated = await apply(postgresRole, { action: 'update', address: roleAddr, attributes: roleAttrs, connection: admin as never, prior: role });
    expect(updated?.outputs.password).toBe(role.outputs.password);
    expect(await loginAs(roleName, role.outputs.password as string)).toBe(roleName);
  });

  it('notices a password changed outside omnitron and restores state\'s password', async () => {
    await adminSql(`ALTER ROLE ${quoteIdent(roleName)} PASSWORD ${quoteLiteral('changed-by-hand')}`);
    const [{ verifier }] = await adminSql(`SELECT rolpassword AS verifier FROM pg_authid WHERE rolname = ${quoteLiteral(roleName)}`);
    expect(await scramMatches('changed-by-hand', verifier as string)).toBe(true);

    const seen = await postgresProvider.observe(ctx, request([desired(roleAddr, roleAttrs)], [role]));
    const observed = seen.objects.get(roleAddr);
    expect(observed?.notes).toEqual(['password differs from state']);
    const decision = postgresRole.plan({ address: roleAddr, desired: roleAttrs, desiredHash: role.hash, prior: role, observed, sensitive: [] });
    expect(decision).toEqual({ action: 'update', reason: 'password changed outside omnitron', diffs: [] });

    await apply(postgresRole, { action: 'update', address: roleAddr, attributes: roleAttrs, connection: admin as never, prior: role });
    expect(await loginAs(roleName, role.outputs.password as string)).toBe(roleName);
  });

  it('finds orphans by their stamp and deletes them (database first, then role)', async () => {
    const orphanRole = { name: `orphan_${suffix}`, login: true };
    const orphanDb = { name: `orphan_${suffix}`, owner: orphanRole.name };
    await apply(postgresRole, { action: 'create', address: 'postgres_role.orphan', attributes: orphanRole, connection: admin as never });
    await apply(postgresDatabase, { action: 'create', address: 'postgres_database.orphan', attributes: orphanDb, connection: admin as never });

    const seen = await postgresProvider.observe(ctx, request([desired(roleAddr, roleAttrs), desired(dbAddr, dbAttrs())], [role, db]));
    const orphan = seen.objects.get('postgres_database.orphan');
    expect(orphan).toMatchObject({ type: 'postgres_database', id: orphanDb.name, attributes: orphanDb });
    expect(postgresDatabase.plan({ address: 'postgres_database.orphan', observed: orphan, sensitive: [] }))
      .toEqual({ action: 'delete', reason: 'owned by this stack but not in config' });

    const roleFirst = apply(postgresRole, { action: 'delete', address: 'postgres_role.orphan', observed: seen.objects.get('postgres_role.orphan'), connection: admin as never });
    await expect(roleFirst).rejects.toMatchObject({ name: 'ProviderError', hint: `role "${orphanRole.name}" still owns objects; delete its databases first` });

    await apply(postgresDatabase, { action: 'delete', address: 'postgres_database.orphan', observed: orphan, connection: admin as never });
    await apply(postgresRole, { action: 'delete', address: 'postgres_role.orphan', observed: seen.objects.get('postgres_role.orphan'), connection: admin as never });
    const after = await postgresProvider.observe(ctx, request([desired(roleAddr, roleAttrs), desired(dbAddr, dbAttrs())], [role, db]));
    expect([...after.objects.keys()].sort()).toEqual([dbAddr, roleAddr]);
  });

  it('a role and database that exist with an app\'s name but were not made by this state are refused at plan and survive destroy', async () => {
    const name = `billing_${suffix}`;
    await adminSql(`CREATE ROLE ${quoteIdent(name)} LOGIN`);
    await adminSql(`CREATE DATABASE ${quoteIdent(name)} OWNER ${quoteIdent(name)}`);
    await withPg(undefined, { ...admin, database: name }, (run) => run({ text: 'CREATE TABLE invoices (id int); INSERT INTO invoices VALUES (1)', values: [] }));
    const wanted = [desired('postgres_role.billing', { name, login: true }), desired('postgres_database.billing', { name, owner: name }, admin as never)];
    wanted[1].dependsOn = ['postgres_role.billing'];
    // A stack of its own, so the other tests' objects on this server are not its orphans.
    const own = { ...ctx, scope: { ...ctx.scope, stack: 'billing', lineage: `L-${suffix}` } };
    try {
      const seen = await postgresProvider.observe(own, { ...request(wanted), scope: own.scope });
      const problems = ownershipProblems(wanted, new Map(), seen.objects);
      expect(problems.map((p) => p.summary)).toEqual([
        `postgres role ${JSON.stringify(name)} already exists and is not created by omnitron`,
        `postgres database ${JSON.stringify(name)} already exists and is not created by omnitron`,
      ]);
      expect(problems[1].detail).toContain(`omnitron import postgres_database.billing ${name}`);

      const types = new Map<string, ResourceType>([[postgresRole.type, postgresRole], [postgresDatabase.type, postgresDatabase]]);
      const destroy = makePlan({
        project: own.scope.project, stack: own.scope.stack, stackType: 'remote', mode: 'destroy', desired: wanted, prior: new Map(), observed: seen.objects,
        unreadable: seen.unreadable, types, binding: { stateLineage: own.scope.lineage, stateSerial: 0, configDigest: 'd' },
      });
      expect(destroy.changes.filter((c) => c.action !== 'noop')).toEqual([]);
      await applyPlan({ plan: destroy, types, store: { get: () => undefined, upsert: async () => {}, remove: async () => {} }, context: own, parallelism: 2, sink: () => {} });
      const [{ n }] = await withPg(undefined, { ...admin, database: name }, (run) => run<{ n: number }>({ text: 'SELECT count(*)::int AS n FROM invoices', values: [] }));
      expect(n).toBe(1);
    } finally {
      await adminSql(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
      await adminSql(`DROP ROLE IF EXISTS ${quoteIdent(name)}`);
    }
  });

  it('after a kill between CREATE and stamp, the intents let a rerun adopt the objects and a destroy drop them, database first', async () => {
    const name = `killed_${suffix}`;
    const own = { ...ctx, scope: { ...ctx.scope, stack: 'killed', lineage: `L-${suffix}` } };
    // What the killed apply left: its intents in state, and the objects, created but never stamped or recorded.
    await adminSql(`CREATE ROLE ${quoteIdent(name)} LOGIN`);
    await adminSql(`CREATE DATABASE ${quoteIdent(name)} OWNER ${quoteIdent(name)}`);
    const wanted = [desired('postgres_role.killed', { name, login: true }), { ...desired('postgres_database.killed', { name, owner: name }), dependsOn: ['postgres_role.killed'] }];
    const intents = new Map(wanted.map((d) => [d.address, { ...record(d.address, { attributes: d.attributes as Json, outputs: {} }), dependsOn: d.dependsOn, intent: true as const }]));
    const types = new Map<string, ResourceType>([[postgresRole.type, postgresRole], [postgresDatabase.type, postgresDatabase]]);
    const planFor = async (mode: 'normal' | 'destroy') => {
      const seen = await postgresProvider.observe(own, { ...request(mode === 'normal' ? wanted : [], [...intents.values()]), scope: own.scope });
      expect(ownershipProblems(mode === 'normal' ? wanted : [], intents, seen.objects)).toEqual([]);
      return makePlan({ project: own.scope.project, stack: own.scope.stack, stackType: 'remote', mode, desired: wanted, prior: intents, observed: seen.objects, unreadable: seen.unreadable, types, binding: { stateLineage: own.scope.lineage, stateSerial: 0, configDigest: 'd' } });
    };
    expect((await planFor('normal')).changes.map((c) => [c.address, c.action])).toEqual([['postgres_role.killed', 'create'], ['postgres_database.killed', 'update']]);
    const destroy = await planFor('destroy');
    expect(destroy.changes.map((c) => [c.address, c.action])).toEqual([['postgres_database.killed', 'delete'], ['postgres_role.killed', 'delete']]);
    const outcome = await applyPlan({ plan: destroy, types, store: { get: () => undefined, upsert: async () => {}, remove: async () => {} }, context: own, parallelism: 2, sink: () => {} });
    expect(outcome.failed).toEqual([]);
    expect(await adminSql(`SELECT 1 FROM pg_roles WHERE rolname = ${quoteLiteral(name)}`)).toEqual([]);
  });

  it('a create that races a concurrent CREATE of the same role (a killed apply\'s, still running) adopts it instead of failing', async () => {
    const { default: pg } = await import('pg');
    const name = `race_${suffix}`;
    const other = new pg.Client({ ...admin, database: 'postgres' });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`CREATE ROLE ${quoteIdent(name)} LOGIN`);
      const ours = apply(postgresRole, { action: 'create', address: 'postgres_role.race', attributes: { name, login: true }, connection: admin as never });
      // Ours is blocked on the catalog's unique index until the other session commits.
      await new Promise((r) => setTimeout(r, 300));
      await other.query('COMMIT');
      const applied = await ours;
      expect(applied?.id).toBe(name);
      const seen = await postgresProvider.observe(ctx, request([desired('postgres_role.race', { name, login: true })]));
      expect(seen.objects.get('postgres_role.race')?.owner).toEqual({ kind: 'this' });
      const who = await withPg(undefined, { ...admin, user: name, password: applied!.outputs.password as string, database: 'postgres' },
        (run) => run<{ who: string }>({ text: 'SELECT current_user AS who', values: [] }));
      expect(who).toEqual([{ who: name }]);
    } finally {
      await other.end();
      await adminSql(`DROP ROLE IF EXISTS ${quoteIdent(name)}`);
    }
  });

  it('tells objects of another stack apart from ours', async () => {
    const other = { ...ctx, scope: { ...ctx.scope, stack: 'other' } };
    const seen = await postgresProvider.observe(other, request([desired(roleAddr, roleAttrs)]));
    expect(seen.objects.get(roleAddr)?.notes).toEqual([`stamped by omnitron for ${ctx.scope.project}/test as ${roleAddr}`]);
    expect(seen.objects.has(dbAddr)).toBe(false);
  });

  it('an unreachable server or a refused login makes addresses unreadable, never exposing the password', async () => {
    const wrong = { ...admin, password: `wrong-${randomBytes(8).toString('hex')}` };
    const refused = await postgresProvider.observe(ctx, request([desired(roleAddr, roleAttrs, wrong as never), desired(dbAddr, dbAttrs(), wrong as never)]));
    expect(refused.objects.size).toBe(0);
    expect(refused.unreadable.get(roleAddr)).toMatch(/password authentication failed for user "postgres"/);
    expect(refused.unreadable.get(dbAddr)).toBe(refused.unreadable.get(roleAddr));
    expect(refused.unreadable.get(roleAddr)).not.toContain(wrong.password);

    const closed = { ...admin, port: 1 };
    const down = await postgresProvider.observe(ctx, request([desired(roleAddr, roleAttrs, closed as never)]));
    expect(down.unreadable.get(roleAddr)).toMatch(/^could not read postgres at 127\.0\.0\.1:1: /);

    const failed = apply(postgresRole, { action: 'create', address: roleAddr, attributes: roleAttrs, connection: wrong as never });
    await expect(failed).rejects.toBeInstanceOf(ProviderError);
    const error = (await failed.catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/could not create role .*password authentication failed/);
    expect(error.message).not.toContain(wrong.password);
    expect(JSON.stringify(events)).not.toContain(role.outputs.password as string);
  });

  it('drops the database, then the role; afterwards both are gone', async () => {
    const seen = await postgresProvider.observe(ctx, request([], [role, db]));
    expect(postgresDatabase.plan({ address: dbAddr, prior: db, observed: seen.objects.get(dbAddr), sensitive: [] }))
      .toEqual({ action: 'delete', reason: 'no longer in config' });
    await apply(postgresDatabase, { action: 'delete', address: dbAddr, prior: db, observed: seen.objects.get(dbAddr), connection: admin as never });
    await apply(postgresRole, { action: 'delete', address: roleAddr, prior: role, observed: seen.objects.get(roleAddr), connection: admin as never });
    const after = await postgresProvider.observe(ctx, request([], [role, db]));
    expect(after.objects.size).toBe(0);
    expect(after.unreadable.size).toBe(0);
    expect(postgresRole.plan({ address: roleAddr, prior: role, sensitive: [] })).toEqual({ action: 'noop', reason: 'already gone' });
    await expect(loginAs(roleName, role.outputs.password as string, 'postgres')).rejects.toThrow(/password authentication failed/);
  });
});
