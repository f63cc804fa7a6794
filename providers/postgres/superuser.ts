/**
 * `postgres_superuser`: the password of a bare-metal server's superuser, set on the node itself
 * (peer authentication as the postgres OS user), so omnitron can then manage roles and databases
 * through an SSH tunnel. The password never leaves this machine in clear: the node receives only a
 * SCRAM verifier, on stdin, never in an argument list.
 */
import * as z from 'zod';
import { defaultDecision } from '../../planner/diff.js';
import type { Json } from '../../planner/expr.js';
import type { Applied, ApplyOp, Observed, ProviderContext, ResourceType, StateRecord } from '../../planner/resource.js';
import { parseAttributes } from '../parse-attributes.js';
import { quoteIdent, quoteLiteral } from './sql.js';
import { scramVerifier } from './scram.js';

export const SUPERUSER_TYPE = 'postgres_superuser';

const attributesSchema = z.object({ node: z.string().min(1), user: z.string().min(1), password: z.string().min(1) });

export function observeSuperuser(prior: StateRecord): Observed {
  return { address: prior.address, type: SUPERUSER_TYPE, attributes: prior.attributes };
}

/** The psql invocation: peer authentication as the server's OS user; SQL comes on stdin. */
export function psqlAsSuperuser(): string[] {
  return ['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'postgres'];
}

export function setPasswordSql(user: string, password: string): string {
  return `ALTER ROLE ${quoteIdent(user)} WITH LOGIN PASSWORD ${quoteLiteral(scramVerifier(password))};\n`;
}

async function apply(ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  if (op.action === 'delete') return undefined; // the server (and its superuser) outlive this record
  const { node, user, password } = parseAttributes(attributesSchema, op, 'internal');
  ctx.emit({ kind: 'progress', address: op.address, message: `setting the ${user} password on node ${node}` });
  const transport = await ctx.clients.transport(node);
  await transport.execOrThrow(psqlAsSuperuser(), { stdin: setPasswordSql(user, password), label: `psql (set the ${user} password)` });
  return { attributes: op.attributes as Json, outputs: { user } };
}

export const postgresSuperuser = {
  type: SUPERUSER_TYPE,
  plan: (input) => defaultDecision(input, { replaceOn: ['node', 'user'] }),
  apply,
  recordOutputs: (observed) => ({ user: (observed.attributes as { user?: string }).user ?? 'postgres' }),
} satisfies ResourceType;
