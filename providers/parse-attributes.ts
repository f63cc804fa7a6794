/** How apply reads a resource's attributes: one zod schema per type, and one wording for a value that does not fit. */
import type * as z from 'zod';
import { ProviderError, type ApplyOp } from '../planner/resource.js';

/**
 * Whose mistake an invalid value is. `config`: the attributes come from the operator's config, so the
 * failure names the field for them to fix. `internal`: omnitron built them, so it is a bug and reads as one.
 */
export type AttributesFault = 'config' | 'internal';

export function parseAttributes<S extends z.ZodType>(schema: S, op: Pick<ApplyOp, 'address' | 'attributes'>, fault: AttributesFault = 'config'): z.infer<S> {
  const parsed = schema.safeParse(op.attributes);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const what = `${issue?.path.join('.') || '(root)'} ${issue?.message ?? ''}`.trim();
  if (fault === 'internal') throw new Error(`internal: ${op.address} has invalid attributes: ${what}`);
  throw new ProviderError(op.address, `invalid attributes: ${what}`);
}
