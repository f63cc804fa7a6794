/**
 * `env_file`: one file of `KEY="value"` lines per app, written atomically with mode 0600 in a 0700
 * directory. Observe parses the live file, so a hand edit of one variable is drift on `variables.KEY`
 * (secret variables are masked through PlanInput.sensitive). A path change replaces the file.
 */
import path from 'node:path';
import * as z from 'zod';
import { defaultDecision } from '../../planner/diff.js';
import type { Json, Value } from '../../planner/expr.js';
import { sha256 } from '../../planner/hash.js';
import { ProviderError, type ApplyOp, type Applied, type Observed, type PlanInput, type ProviderContext, type ResourceType } from '../../planner/resource.js';
import { formatEnv, isValidKey, parseEnv } from '../../contract/env-file-format.js';
import { parseAttributes } from '../parse-attributes.js';
import { formatMode, parseMode, readSnapshot, removeFile, writeFileAtomic } from './files.js';

export const ENV_FILE_TYPE = 'env_file';

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const attributesSchema = z.object({
  path: z.string().refine((p) => path.isAbsolute(p), 'path must be absolute'),
  mode: z.string().regex(/^0[0-7]{3}$/),
  variables: z.record(z.string(), scalar),
});
type Attributes = z.infer<typeof attributesSchema>;

const isRecord = (v: Value | undefined): v is { [key: string]: Value } => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Env values are strings; a number or boolean in config must not diff against the same text on disk. */
export function normaliseDesired(desired: Value | undefined): Value | undefined {
  if (!isRecord(desired) || !isRecord(desired.variables)) return desired;
  const variables: { [key: string]: Value } = {};
  for (const [k, v] of Object.entries(desired.variables)) variables[k] = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
  return { ...desired, variables };
}

export function planEnvFile(input: PlanInput) {
  return defaultDecision({ ...input, desired: normaliseDesired(input.desired) }, { replaceOn: ['path'] });
}

export async function readEnvFile(address: string, file: string): Promise<Observed | undefined> {
  const snapshot = await readSnapshot(file);
  if (!snapshot) return undefined;
  return { address, type: ENV_FILE_TYPE, id: file, attributes: { path: file, mode: formatMode(snapshot.mode), variables: parseEnv(snapshot.content) } };
}

function parseEnvAttributes(op: ApplyOp): Attributes {
  const attrs = parseAttributes(attributesSchema, op, 'internal');
  const bad = Object.keys(attrs.variables).find((k) => !isValidKey(k));
  if (bad !== undefined) throw new ProviderError(op.address, `invalid environment variable name ${JSON.stringify(bad)}`, 'names are letters, digits and _, not starting with a digit');
  return attrs;
}

/** Path of the live file a delete/replace acts on: what observe saw, else state's attributes. */
function priorPath(op: ApplyOp): string | undefined {
  for (const attrs of [op.observed?.attributes, op.prior?.attributes]) {
    const p = (attrs as { path?: unknown } | null | undefined)?.path;
    if (typeof p === 'string') return p;
  }
  return op.prior?.id;
}

function fsFailure(op: ApplyOp, doing: string, err: unknown): ProviderError {
  const code = (err as NodeJS.ErrnoException).code;
  return new ProviderError(op.address, `could not ${doing}: ${code ?? (err instanceof Error ? err.message : String(err))}`);
}

async function applyEnvFile(ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  const old = priorPath(op);
  if (op.action === 'delete') {
    if (old) await removeFile(old).catch((err: unknown) => { throw fsFailure(op, `remove ${old}`, err); });
    return undefined;
  }
  const attrs = parseEnvAttributes(op);
  const content = formatEnv(attrs.variables);
  ctx.emit({ kind: 'progress', address: op.address, message: `writing ${attrs.path}` });
  try {
    await writeFileAtomic(attrs.path, content, parseMode(attrs.mode));
    if (op.action === 'replace' && old && old !== attrs.path) await removeFile(old);
  } catch (err) {
    throw fsFailure(op, `write ${attrs.path}`, err);
  }
  return { id: attrs.path, attributes: attrs, outputs: { path: attrs.path, sha256: sha256(content) } };
}

/** A matching file found without state: its outputs are those apply would have produced for it. */
function recordEnvFileOutputs(observed: Observed): Record<string, Json> {
  const { path: file, variables } = observed.attributes as { path: string; variables: Record<string, string> };
  return { path: file, sha256: sha256(formatEnv(variables)) };
}

export const envFile = {
  type: ENV_FILE_TYPE,
  plan: planEnvFile,
  recordOutputs: recordEnvFileOutputs,
  apply: applyEnvFile,
} satisfies ResourceType;
