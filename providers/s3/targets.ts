/**
 * What S3 observe looks for on each server: the bucket every desired or remembered s3_bucket should
 * have or had, grouped by server (providers/server-observe.ts) so each is listed once.
 */
import type { Server, ServerKind, TargetInput } from '../server-observe.js';
import { describeS3Error, parseS3Connection, serverKey, type S3Connection } from './connection.js';

export const S3_BUCKET_TYPE = 's3_bucket';

export interface Target { address: string; bucket?: string }

export type S3Server = Server<S3Connection, Target>;

function nameOf(attributes: unknown): string | undefined {
  const name = (attributes as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

export const s3Servers: ServerKind<S3Connection, Target> = {
  label: 's3',
  types: new Set([S3_BUCKET_TYPE]),
  parseConnection: parseS3Connection,
  serverKey,
  target: ({ address, attributes, prior }: TargetInput) => ({ address, bucket: nameOf(attributes) ?? nameOf(prior?.attributes) }),
  describeError: (err, connection) => describeS3Error(err, connection),
};
