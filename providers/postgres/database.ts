/**
 * `postgres_database`: one database per app, owned by the app's role. A name change forces
 * replacement (drop, then create: the plan shows it as a destroy); an owner change is ALTER OWNER.
 * create is idempotent: an existing database gets its owner set. delete: DROP DATABASE IF EXISTS …
 * WITH (FORCE), which ends the app's open sessions.
 */
import * as z from 'zod';
import type { Json } from '../../planner/expr.js';
import type { ApplyOp, Applied, Observed, PlanInput, ProviderContext, ResourceType } from '../../planner/resource.js';
import { parseAttributes } from '../parse-attributes.js';
import { connectionFor, failure, ownershipComment, priorName } from './apply-support.js';
import { withPg, type Run } from './connection.js';
import { planStamped } from './plan-stamped.js';
import { createOrAdopt } from './create-race.js';
import { alterDatabaseOwner, commentOnDatabase, createDatabase, databaseExists, dropDatabase } from './sql.js';

export const DATABASE_TYPE = 'postgres_database';

const databaseAttributes = z.object({ name: z.string().min(1), owner: z.string().min(1) });
type DatabaseAttributes = z.infer<typeof databaseAttributes>;

export function planDatabase(input: PlanInput) {
  return planStamped(input, { replaceOn: ['name'] });
}

async function ensureDatabase(run: Run, attrs: DatabaseAttributes): Promise<void> {
  const exists = async () => (await run(databaseExists(attrs.name))).length > 0;
  const alter = () => run(alterDatabaseOwner(attrs.name, attrs.owner));
  if (await exists()) await alter();
  else await createOrAdopt(() => run(createDatabase(attrs.name, attrs.owner)), exists, alter);
}

async function applyDatabase(ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  ctx.signal.throwIfAborted();
  const connection = connectionFor(op);
  if (op.action === 'delete') {
    await dropNamed(ctx, op, priorName(op));
    return undefined;
  }
  const attrs = parseAttributes(databaseAttributes, op, 'internal');
  if (op.action === 'replace') await dropNamed(ctx, op, priorName(op));
  ctx.emit({ kind: 'progress', address: op.address, message: `applying database ${attrs.name} (owner ${attrs.owner})` });
  try {
    await withPg(ctx.clients, connection, async (run) => {
      await ensureDatabase(run, attrs);
      await run(commentOnDatabase(attrs.name, ownershipComment(ctx, op)));
    });
  } catch (err) {
    throw failure(op, `could not ${op.action} database "${attrs.name}"`, err, [connection.password]);
  }
  return { id: attrs.name, attributes: attrs, outputs: { name: attrs.name, owner: attrs.owner } };
}

async function dropNamed(ctx: ProviderContext, op: ApplyOp, name: string | undefined): Promise<void> {
  if (!name) return;
  const connection = connectionFor(op);
  ctx.emit({ kind: 'progress', address: op.address, message: `dropping database ${name}` });
  try {
    await withPg(ctx.clients, connection, (run) => run(dropDatabase(name)));
  } catch (err) {
    throw failure(op, `could not drop database "${name}"`, err, [connection.password]);
  }
}

/** A database found live that state had lost: its outputs are what the catalog shows. */
function recordDatabaseOutputs(observed: Observed): Record<string, Json> {
  const { name, owner } = observed.attributes as { name: string; owner: string };
  return { name, owner };
}

export const postgresDatabase = {
  type: DATABASE_TYPE,
  claimsObjects: true,
  plan: planDatabase,
  recordOutputs: recordDatabaseOutputs,
  apply: applyDatabase,
} satisfies ResourceType;
