/**
 * `local_file`: a text file on this machine that a local container reads (the gateway's nginx config
 * and Lua, bind-mounted). Written atomically; directories it creates are 0755 so the container's
 * unprivileged workers can read through them. Observe reads the live content, so a hand edit is drift.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { defaultDecision } from '../../planner/diff.js';
import type { Json } from '../../planner/expr.js';
import { sha256 } from '../../planner/hash.js';
import { ProviderError, type ApplyOp, type Applied, type Observed, type PlanInput, type ResourceType, type ProviderContext } from '../../planner/resource.js';
import { parseAttributes } from '../parse-attributes.js';
import { formatMode, parseMode, readSnapshot, removeFile, writeFileAtomic } from './files.js';

export const LOCAL_FILE_TYPE = 'local_file';

const attributesSchema = z.object({
  path: z.string().refine((p) => path.isAbsolute(p), 'path must be absolute'),
  mode: z.string().regex(/^0[0-7]{3}$/),
  content: z.string(),
});

export async function readLocalFile(address: string, file: string): Promise<Observed | undefined> {
  const snapshot = await readSnapshot(file);
  if (!snapshot) return undefined;
  return { address, type: LOCAL_FILE_TYPE, id: file, attributes: { path: file, mode: formatMode(snapshot.mode), content: snapshot.content } };
}

function priorPath(op: ApplyOp): string | undefined {
  for (const attrs of [op.observed?.attributes, op.prior?.attributes]) {
    const p = (attrs as { path?: unknown } | null | undefined)?.path;
    if (typeof p === 'string') return p;
  }
  return op.prior?.id;
}

function failure(op: ApplyOp, doing: string, err: unknown): ProviderError {
  return new ProviderError(op.address, `could not ${doing}: ${(err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err))}`);
}

async function applyLocalFile(ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  const old = priorPath(op);
  if (op.action === 'delete') {
    if (old) await removeFile(old).catch((err: unknown) => { throw failure(op, `remove ${old}`, err); });
    return undefined;
  }
  const attrs = parseAttributes(attributesSchema, op, 'internal');
  ctx.emit({ kind: 'progress', address: op.address, message: `writing ${attrs.path}` });
  try {
    await mkdir(path.dirname(attrs.path), { recursive: true, mode: 0o755 });
    await writeFileAtomic(attrs.path, attrs.content, parseMode(attrs.mode));
    if (op.action === 'replace' && old && old !== attrs.path) await removeFile(old);
  } catch (err) {
    throw failure(op, `write ${attrs.path}`, err);
  }
  return { id: attrs.path, attributes: attrs, outputs: { path: attrs.path, sha256: sha256(attrs.content) } };
}

function recordLocalFileOutputs(observed: Observed): Record<string, Json> {
  const { path: file, content } = observed.attributes as { path: string; content: string };
  return { path: file, sha256: sha256(content) };
}

export const localFile = {
  type: LOCAL_FILE_TYPE,
  plan: (input: PlanInput) => defaultDecision(input, { replaceOn: ['path'] }),
  recordOutputs: recordLocalFileOutputs,
  apply: applyLocalFile,
} satisfies ResourceType;
