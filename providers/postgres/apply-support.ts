/** What both postgres resource types need around apply: the server, the stamp, safe failures. */
import { configHash } from '../../planner/hash.js';
import { ProviderError, type ApplyOp, type ProviderContext } from '../../planner/resource.js';
import { describePgError, parsePgConnection, type PgConnection } from './connection.js';
import { stampComment } from './ownership.js';

/** The resolved connection (for deletes, the engine resolves the one state recorded with the object). */
export function connectionFor(op: ApplyOp): PgConnection {
  const c = parsePgConnection(op.connection);
  if (c) return c;
  throw new ProviderError(op.address, 'no connection to its postgres server is known',
    'the server is neither in config nor recorded in state; remove the object by hand');
}

export function ownershipComment(ctx: ProviderContext, op: ApplyOp): string {
  const hash = op.hash ?? configHash(op.attributes ?? null);
  return stampComment({ project: ctx.scope.project, stack: ctx.scope.stack, lineage: ctx.scope.lineage, address: op.address, hash });
}

export function failure(op: ApplyOp, doing: string, err: unknown, secrets: readonly string[], hint?: string): ProviderError {
  if (err instanceof ProviderError) return err;
  return new ProviderError(op.address, `${doing}: ${describePgError(err, secrets)}`, hint);
}

/** Name of the live object a delete/replace acts on: what observe saw, else state's attributes. */
export function priorName(op: ApplyOp): string | undefined {
  for (const attrs of [op.observed?.attributes, op.prior?.attributes]) {
    const name = (attrs as { name?: unknown } | null | undefined)?.name;
    if (typeof name === 'string') return name;
  }
  return op.observed?.id ?? op.prior?.id;
}
