/**
 * `postgres_role`: a login role per app. The password is generated at apply (never in config), kept
 * in state as a sensitive output, and sent to the server only as a SCRAM verifier.
 * create: CREATE ROLE, or ALTER ROLE when it already exists (crash between create and state write).
 * replace: rotate the password (renaming the old role when the name changed; a role that owns a
 * database is never dropped here). update: keep state's password, alter the rest. delete: DROP ROLE
 * IF EXISTS, after the planner has deleted its databases.
 */
import * as z from 'zod';
import type { Json } from '../../planner/expr.js';
import type { ApplyOp, Applied, Decision, PlanInput, ProviderContext, ResourceType } from '../../planner/resource.js';
import { parseAttributes } from '../parse-attributes.js';
import { connectionFor, failure, ownershipComment, priorName } from './apply-support.js';
import { pgErrorCode, withPg, type Run } from './connection.js';
import { planStamped } from './plan-stamped.js';
import { createOrAdopt } from './create-race.js';
import { generatePassword, scramVerifier } from './scram.js';
import { alterRole, commentOnRole, createRole, dropRole, renameRole, roleExists } from './sql.js';

export const ROLE_TYPE = 'postgres_role';
/** Observed.status when the live verifier does not match state's password. */
export const PASSWORD_MISMATCH = 'password-mismatch';

const roleAttributes = z.object({ name: z.string().min(1), login: z.boolean() });
type RoleAttributes = z.infer<typeof roleAttributes>;

export function planRole(input: PlanInput): Decision {
  const { desired, observed, prior, unreadable } = input;
  if (desired !== undefined && observed && !unreadable && typeof prior?.outputs.password !== 'string') {
    const reason = observed.hash === undefined
      ? `exists (${observed.notes?.[0] ?? 'not created by omnitron'}); its password will be reset`
      : 'exists, but its password is not in state';
    return { action: 'create', reason };
  }
  const decision = planStamped(input, { replaceOn: ['name'] });
  if (decision.action === 'noop' && observed?.status === PASSWORD_MISMATCH && desired !== undefined) {
    return { action: 'update', reason: 'password changed outside omnitron', diffs: [] };
  }
  return decision;
}

async function upsertRole(run: Run, attrs: RoleAttributes, password: string): Promise<void> {
  const verifier = scramVerifier(password);
  const exists = async () => (await run(roleExists(attrs.name))).length > 0;
  const alter = () => run(alterRole(attrs.name, attrs.login, verifier));
  if (await exists()) await alter();
  else await createOrAdopt(() => run(createRole(attrs.name, attrs.login, verifier)), exists, alter);
}

/** After a rename in config, the old role (and the databases it owns) moves to the new name. */
async function renameIfMoved(run: Run, from: string | undefined, to: string): Promise<void> {
  if (!from || from === to) return;
  const [oldExists, newExists] = await Promise.all([run(roleExists(from)), run(roleExists(to))]);
  if (oldExists.length > 0 && newExists.length === 0) await run(renameRole(from, to));
}

function passwordFor(op: ApplyOp): string {
  const kept = op.prior?.outputs.password;
  return op.action === 'update' && typeof kept === 'string' ? kept : generatePassword();
}

async function applyRole(ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  ctx.signal.throwIfAborted();
  if (op.action === 'delete') return deleteRole(ctx, op);
  const connection = connectionFor(op);
  const attrs = parseAttributes(roleAttributes, op, 'internal');
  const password = passwordFor(op);
  ctx.emit({ kind: 'progress', address: op.address, message: `${op.action === 'replace' ? 'rotating password of' : 'applying'} role ${attrs.name}` });
  try {
    await withPg(ctx.clients, connection, async (run) => {
      if (op.action === 'replace') await renameIfMoved(run, priorName(op), attrs.name);
      await upsertRole(run, attrs, password);
      await run(commentOnRole(attrs.name, ownershipComment(ctx, op)));
    });
  } catch (err) {
    throw failure(op, `could not ${op.action} role "${attrs.name}"`, err, [password, connection.password]);
  }
  const outputs: Record<string, Json> = { name: attrs.name, password };
  return { id: attrs.name, attributes: attrs, outputs };
}

async function deleteRole(ctx: ProviderContext, op: ApplyOp): Promise<undefined> {
  const connection = connectionFor(op);
  const name = priorName(op);
  if (!name) return undefined;
  ctx.emit({ kind: 'progress', address: op.address, message: `dropping role ${name}` });
  try {
    await withPg(ctx.clients, connection, (run) => run(dropRole(name)));
  } catch (err) {
    const hint = pgErrorCode(err) === '2BP01' ? `role "${name}" still owns objects; delete its databases first` : undefined;
    throw failure(op, `could not drop role "${name}"`, err, [connection.password], hint);
  }
  return undefined;
}

export const postgresRole = {
  type: ROLE_TYPE,
  claimsObjects: true,
  sensitiveOutputs: ['password'],
  plan: planRole,
  apply: applyRole,
} satisfies ResourceType;
