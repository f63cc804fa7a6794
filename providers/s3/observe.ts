/**
 * One listing per S3 server (ListBuckets), then for each bucket asked about that exists: its
 * ownership marker and whether it holds anything besides it. An unreachable server makes every
 * bucket on it unreadable.
 */
import type { Observed, ObservedSet, ObserveRequest, ProviderContext, Scope } from '../../planner/resource.js';
import { HOLDS_DATA } from '../../planner/plan.js';
import { observeServers } from '../server-observe.js';
import { isNoSuchBucket, withS3, type S3 } from './connection.js';
import { MARKER_KEY, ownerOfBucket, parseMarker } from './marker.js';
import { S3_BUCKET_TYPE, s3Servers, type S3Server, type Target } from './targets.js';

async function readServer(ctx: ProviderContext, server: S3Server): Promise<Observed[]> {
  const { scope } = ctx;
  return withS3(ctx.clients, server.connection, async (s3) => {
    const listed = await s3.client.send(new s3.sdk.ListBucketsCommand({}));
    const existing = new Set((listed.Buckets ?? []).map((b) => b.Name));
    const present = server.targets.filter((t): t is Target & { bucket: string } => t.bucket !== undefined && existing.has(t.bucket));
    return Promise.all(present.map((t) => readBucket(s3, t, scope)));
  });
}

async function readBucket(s3: S3, target: Target & { bucket: string }, scope: Scope): Promise<Observed> {
  const marker = parseMarker(await readMarker(s3, target.bucket));
  const listing = await s3.client.send(new s3.sdk.ListObjectsV2Command({ Bucket: target.bucket, MaxKeys: 2 }));
  const holdsData = (listing.Contents ?? []).some((o) => o.Key !== MARKER_KEY);
  return {
    address: target.address, type: S3_BUCKET_TYPE, id: target.bucket, attributes: { name: target.bucket },
    ...(marker ? { hash: marker.hash } : {}),
    owner: ownerOfBucket(marker, scope),
    status: holdsData ? HOLDS_DATA : 'empty',
    ...(marker ? {} : { notes: ['no omnitron marker'] }),
  };
}

async function readMarker(s3: S3, bucket: string): Promise<string | undefined> {
  try {
    const object = await s3.client.send(new s3.sdk.GetObjectCommand({ Bucket: bucket, Key: MARKER_KEY }));
    return await object.Body?.transformToString();
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey' || isNoSuchBucket(err)) return undefined;
    throw err;
  }
}

export function observeS3(ctx: ProviderContext, request: ObserveRequest): Promise<ObservedSet> {
  return observeServers(request, s3Servers, (server) => readServer(ctx, server));
}
