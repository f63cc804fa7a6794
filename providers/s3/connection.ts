/**
 * Reaching an S3 server: the connection value a bucket carries (endpoint, region, credentials, and
 * `via`, the node to tunnel through when the server runs on one), one short-lived client per use
 * and error text with the secret masked.
 */
import * as z from 'zod';
import type { Json } from '../../planner/expr.js';
import type { Clients } from '../../planner/resource.js';
import { reach } from '../ssh/reach.js';
import { S3Client, S3Error } from './s3-client.js';

export interface S3Connection { endpoint: string; host: string; port: number; via?: string; region: string; accessKey: string; secretKey: string }

const connectionSchema = z.object({
  endpoint: z.url(), region: z.string().min(1), accessKey: z.string().min(1), secretKey: z.string().min(1), via: z.string().min(1).optional(),
});

/** Undefined when missing or malformed (never echoes the value: it holds a secret key). */
export function parseS3Connection(value: Json | undefined): S3Connection | undefined {
  const parsed = connectionSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const url = new URL(parsed.data.endpoint);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return { ...parsed.data, host: url.hostname, port };
}

export function serverKey(c: S3Connection): string {
  return `${c.endpoint}|${c.accessKey}${c.via ? ` via ${c.via}` : ''}`;
}

/** The endpoint to dial from this machine: the server's own, or a local port tunnelled through its node. */
async function reachEndpoint(clients: Clients | undefined, c: S3Connection): Promise<string> {
  if (!c.via) return c.endpoint;
  const local = await reach(clients, c);
  const url = new URL(c.endpoint);
  url.hostname = local.host;
  url.port = String(local.port);
  return url.href;
}

export async function withS3<T>(clients: Clients | undefined, c: S3Connection, fn: (s3: S3Client) => Promise<T>): Promise<T> {
  const client = new S3Client({ endpoint: await reachEndpoint(clients, c), region: c.region, accessKey: c.accessKey, secretKey: c.secretKey });
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** One line: the S3 error code and message, or the network cause; the secret key never appears. */
export function describeS3Error(err: unknown, c: Pick<S3Connection, 'secretKey'>): string {
  const e = err as { message?: string; code?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  const text = [code && code !== e.message ? code : undefined, e.message].filter(Boolean).join(': ') || String(err);
  return c.secretKey ? text.replaceAll(c.secretKey, '***') : text;
}

/** True for the answers S3 servers give for a bucket that does not exist. */
export function isNoSuchBucket(err: unknown): boolean {
  return err instanceof S3Error && (err.code === 'NoSuchBucket' || err.status === 404);
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT']);

/** True when no server answered at all (as opposed to an S3 error reply). */
export function isUnreachable(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string }; errors?: Array<{ code?: string }> };
  return [e.code, e.cause?.code, ...(e.errors ?? []).map((x) => x.code)].some((c) => c !== undefined && UNREACHABLE.has(c));
}
