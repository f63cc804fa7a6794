/**
 * `s3_bucket`: one private bucket per app that asks for storage, owned through a marker object.
 * create: CreateBucket (no ACL, no policy: private), then the marker. update: re-stamp the marker.
 * delete: only while the marker is ours; a bucket holding objects is kept by plan unless
 * `--volumes`, in which case its objects go first.
 */
import * as z from 'zod';
import { defaultDecision, diffAttributes } from '../../planner/diff.js';
import type { Value } from '../../planner/expr.js';
import { configHash } from '../../planner/hash.js';
import { ProviderError, type ApplyOp, type Applied, type Decision, type PlanInput, type ProviderContext, type ResourceType } from '../../planner/resource.js';
import { parseAttributes } from '../parse-attributes.js';
import { describeS3Error, isNoSuchBucket, isUnreachable, parseS3Connection, withS3, type S3Connection } from './connection.js';
import { S3Error, type S3Client } from './s3-client.js';
import { MARKER_KEY, encodeMarker } from './marker.js';
import { S3_BUCKET_TYPE } from './targets.js';

const attributesSchema = z.object({ name: z.string().min(3) });

export function planS3Bucket(input: PlanInput): Decision {
  const { desired, observed, unreadable } = input;
  if (desired !== undefined && observed && !unreadable && observed.hash === undefined) {
    const { diffs } = diffAttributes(observed.attributes as Value, desired, { sensitive: input.sensitive });
    return { action: 'update', reason: 'no omnitron marker', diffs };
  }
  const base = defaultDecision(input, { replaceOn: ['name'] });
  if (base.action === 'noop' && desired !== undefined && observed && !unreadable && input.desiredHash !== undefined && observed.hash !== input.desiredHash) {
    return { action: 'update', reason: 'config hash diverged', diffs: [] };
  }
  return base;
}

function connectionFor(op: ApplyOp): S3Connection {
  const c = parseS3Connection(op.connection);
  if (c) return c;
  throw new ProviderError(op.address, 'no connection to its S3 server is known', 'the server is neither in config nor recorded in state; delete the bucket by hand if needed');
}

function priorName(op: ApplyOp): string | undefined {
  for (const attrs of [op.observed?.attributes, op.prior?.attributes]) {
    const name = (attrs as { name?: unknown } | null | undefined)?.name;
    if (typeof name === 'string') return name;
  }
  return undefined;
}

async function createBucket(s3: S3Client, name: string): Promise<void> {
  try {
    await s3.createBucket(name);
  } catch (err) {
    if (!(err instanceof S3Error && err.code === 'BucketAlreadyOwnedByYou')) throw err;
  }
}

/** Deletes every object (the marker included), page by page, then the bucket. */
async function deleteBucket(ctx: ProviderContext, s3: S3Client, address: string, name: string): Promise<void> {
  let previous: string[] = [];
  for (;;) {
    const keys = await s3.listKeys(name, 1000);
    if (keys.length === 0) break;
    // A server that says it deleted a key it still lists would keep this loop going forever.
    if (keys.length === previous.length && keys.every((k, i) => k === previous[i])) throw new S3Error('InternalError', `object ${JSON.stringify(keys[0])} is still listed after it was deleted`, 200);
    ctx.emit({ kind: 'progress', address, message: `deleting ${keys.length} object(s) from bucket ${name}` });
    await s3.deleteKeys(name, keys);
    previous = keys;
  }
  await s3.deleteBucket(name);
}

async function applyS3Bucket(ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  ctx.signal.throwIfAborted();
  const connection = connectionFor(op);
  const old = priorName(op);
  const attrs = op.action === 'delete' ? undefined : parseAttributes(attributesSchema, op, 'internal');
  try {
    await withS3(ctx.clients, connection, async (s3) => {
      if ((op.action === 'delete' || op.action === 'replace') && old !== undefined) {
        await deleteBucket(ctx, s3, op.address, old).catch((err: unknown) => { if (!isNoSuchBucket(err)) throw err; });
      }
      if (!attrs) return;
      if (op.action !== 'update') await createBucket(s3, attrs.name);
      const marker = encodeMarker({ project: ctx.scope.project, stack: ctx.scope.stack, lineage: ctx.scope.lineage, address: op.address, hash: op.hash ?? configHash(attrs) });
      await s3.putText(attrs.name, MARKER_KEY, marker, 'application/json');
    });
  } catch (err) {
    // A bucket lives in its server's data: once the server is gone (container and volume destroyed) nothing is left to delete.
    if (op.action === 'delete' && isUnreachable(err)) {
      ctx.emit({ kind: 'warning', address: op.address, message: `S3 server ${connection.endpoint} does not answer; bucket ${old ?? ''} is forgotten, not deleted there` });
      return undefined;
    }
    throw new ProviderError(op.address, `could not ${op.action} bucket ${attrs?.name ?? old ?? ''}: ${describeS3Error(err, connection)}`);
  }
  return attrs && { id: attrs.name, attributes: attrs, outputs: { name: attrs.name } };
}

export const s3Bucket = {
  type: S3_BUCKET_TYPE,
  claimsObjects: true,
  plan: planS3Bucket,
  recordOutputs: (observed) => ({ name: (observed.attributes as { name: string }).name }),
  apply: applyS3Bucket,
} satisfies ResourceType;
