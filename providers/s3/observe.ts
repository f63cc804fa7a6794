/**
 * One listing per S3 server (ListBuckets), then for each bucket asked about that exists: its
 * ownership marker and whether it holds anything besides it. An unreachable server makes every
 * bucket on it unreadable.
 */
import type { Observed, ObservedSet, ObserveRequest, ProviderContext, Scope } from '../../planner/resource.js';
import { HOLDS_DATA } from '../../planner/plan.js';
import { observeServers } from '../server-observe.js';
import { isNoSuchBucket, withS3 } from './connection.js';
import { S3Error, type S3Client } from './s3-client.js';
import { MARKER_KEY, ownerOfBucket, parseMarker } from './marker.js';
import { S3_BUCKET_TYPE, s3Servers, type S3Server, type Target } from './targets.js';

async function readServer(ctx: ProviderContext, server: S3Server): Promise<Observed[]> {
  const { scope } = ctx;
  return withS3(ctx.clients, server.connection, async (s3) => {
    const existing = new Set(await s3.listBuckets());
    const present = server.targets.filter((t): t is Target & { bucket: string } => t.bucket !== undefined && existing.has(t.bucket));
    return Promise.all(present.map((t) => readBucket(s3, t, scope)));
  });
}

async function readBucket(s3: S3Client, target: Target & { bucket: string }, scope: Scope): Promise<Observed> {
  const [markerText, keys] = await Promise.all([readMarker(s3, target.bucket), s3.listKeys(target.bucket, 2)]);
  const marker = parseMarker(markerText);
  const holdsData = keys.some((key) => key !== MARKER_KEY);
  return {
    address: target.address, type: S3_BUCKET_TYPE, id: target.bucket, attributes: { name: target.bucket },
    ...(marker ? { hash: marker.hash } : {}),
    owner: ownerOfBucket(marker, scope),
    status: holdsData ? HOLDS_DATA : 'empty',
    ...(marker ? {} : { notes: ['no omnitron marker'] }),
  };
}

async function readMarker(s3: S3Client, bucket: string): Promise<string | undefined> {
  try {
    return await s3.getText(bucket, MARKER_KEY);
  } catch (err) {
    if ((err instanceof S3Error && err.code === 'NoSuchKey') || isNoSuchBucket(err)) return undefined;
    throw err;
  }
}

export function observeS3(ctx: ProviderContext, request: ObserveRequest): Promise<ObservedSet> {
  return observeServers(request, s3Servers, (server) => readServer(ctx, server));
}
