/**
 * The seven S3 calls omnitron makes, path-style over node:http(s), signed with AWS Signature V4 by
 * aws4 and read with fast-xml-parser. The AWS SDK client did the same, but loading and running it
 * was a fifth of a no-op plan's CPU. Every call is idempotent, so a reset connection or a 5xx is
 * retried once, as the SDK did.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import aws4 from 'aws4';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

/** node:https only for an https endpoint: it loads TLS, ~10 ms that a local S3 server never uses. */
function transportFor(url: URL): Pick<typeof http, 'Agent' | 'request'> {
  return url.protocol === 'https:' ? process.getBuiltinModule('node:https') : http;
}

export interface S3Endpoint { endpoint: string; region: string; accessKey: string; secretKey: string }

/** An error reply: `name` is the S3 error code (`NoSuchBucket`), or `NotFound` etc. for a reply without a body. */
export class S3Error extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
    this.name = code;
  }
}

const LISTS = new Set(['ListAllMyBucketsResult.Buckets.Bucket', 'ListBucketResult.Contents', 'DeleteResult.Error']);
// Keys are read exactly as the server wrote them: untrimmed, character references decoded.
const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false, htmlEntities: true, isArray: (_name, path) => LISTS.has(String(path)) });
const xmlOut = new XMLBuilder({});
const STATUS_NAMES: Readonly<Record<number, string>> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict' };
const TIMEOUT_MS = 30_000;
const RESET = new Set(['ECONNRESET', 'EPIPE']);
/** A reply that did not come in time from a server that accepted the connection: it may still act, so this is not "unreachable". */
export const SLOW_REPLY = 'S3_SLOW_REPLY';

interface Reply { status: number; body: string }
interface Call { method: 'GET' | 'PUT' | 'POST' | 'DELETE'; bucket?: string; key?: string; query?: string; body?: string; headers?: Record<string, string> }

export class S3Client {
  private readonly url: URL;
  private readonly agent: http.Agent;

  constructor(private readonly endpoint: S3Endpoint, private readonly timeoutMs = TIMEOUT_MS) {
    this.url = new URL(endpoint.endpoint);
    this.agent = new (transportFor(this.url)).Agent({ keepAlive: true });
  }

  async listBuckets(): Promise<string[]> {
    const doc = await this.xmlOf({ method: 'GET' }) as { ListAllMyBucketsResult?: { Buckets?: { Bucket?: Array<{ Name?: string }> } } };
    return (doc.ListAllMyBucketsResult?.Buckets?.Bucket ?? []).flatMap((b) => (b.Name ? [b.Name] : []));
  }

  /** The first `max` keys of the bucket, in key order. */
  async listKeys(bucket: string, max: number): Promise<string[]> {
    const doc = await this.xmlOf({ method: 'GET', bucket, query: `list-type=2&max-keys=${max}` }) as { ListBucketResult?: { Contents?: Array<{ Key?: string }> } };
    return (doc.ListBucketResult?.Contents ?? []).flatMap((o) => (o.Key !== undefined ? [o.Key] : []));
  }

  async getText(bucket: string, key: string): Promise<string> {
    return (await this.call({ method: 'GET', bucket, key })).body;
  }

  async putText(bucket: string, key: string, body: string, contentType: string): Promise<void> {
    await this.call({ method: 'PUT', bucket, key, body, headers: { 'Content-Type': contentType } });
  }

  async createBucket(bucket: string): Promise<void> {
    await this.call({ method: 'PUT', bucket });
  }

  async deleteBucket(bucket: string): Promise<void> {
    await this.call({ method: 'DELETE', bucket });
  }

  /** Deletes up to 1000 keys; a key the server could not delete fails the call. */
  async deleteKeys(bucket: string, keys: readonly string[]): Promise<void> {
    const body = xmlOut.build({ Delete: { Quiet: true, Object: keys.map((Key) => ({ Key })) } }) as string;
    // S3 refuses a multi-object delete without a checksum of its body.
    const headers = { 'Content-Type': 'application/xml', 'Content-MD5': createHash('md5').update(body).digest('base64') };
    const doc = await this.xmlOf({ method: 'POST', bucket, query: 'delete=', body, headers }) as { DeleteResult?: { Error?: Array<{ Key?: string; Code?: string; Message?: string }> } };
    const failed = doc.DeleteResult?.Error?.[0];
    if (failed) throw new S3Error(failed.Code ?? 'InternalError', `could not delete ${failed.Key ?? 'an object'}: ${failed.Message ?? failed.Code ?? 'unknown error'}`, 200);
  }

  close(): void {
    this.agent.destroy();
  }

  private async xmlOf(call: Call): Promise<unknown> {
    const { body } = await this.call(call);
    return body.trim() === '' ? {} : xml.parse(body);
  }

  /** The request path, each part encoded as Signature V4 encodes it, so the server sees what was signed. */
  private pathOf(call: Call): string {
    const parts = [call.bucket, ...(call.key !== undefined ? call.key.split('/') : [])].filter((p): p is string => p !== undefined);
    const path = `${this.url.pathname.replace(/\/$/, '')}/${parts.map(encodeRfc3986).join('/')}`;
    return call.query ? `${path}?${call.query}` : path;
  }

  private async call(call: Call): Promise<Reply> {
    try {
      return checked(await this.send(call));
    } catch (err) {
      if (!retryable(err)) throw err;
      return checked(await this.send(call));
    }
  }

  private send(call: Call): Promise<Reply> {
    const path = this.pathOf(call);
    const signed = aws4.sign({
      host: this.url.hostname, ...(this.url.port ? { port: Number(this.url.port) } : {}), path, method: call.method,
      service: 's3', region: this.endpoint.region, headers: { ...call.headers }, ...(call.body !== undefined ? { body: call.body } : {}),
    }, { accessKeyId: this.endpoint.accessKey, secretAccessKey: this.endpoint.secretKey });
    const transport = transportFor(this.url);
    return new Promise<Reply>((resolve, reject) => {
      const req = transport.request({
        // An IPv6 endpoint's host is bracketed in the URL (and the signed Host header), bare for the socket.
        protocol: this.url.protocol, hostname: this.url.hostname.replace(/^\[(.*)\]$/, '$1'), port: this.url.port || undefined, path, method: call.method,
        headers: signed.headers as http.OutgoingHttpHeaders, agent: this.agent, timeout: this.timeoutMs,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => {
        const connected = req.socket !== null && !req.socket.connecting;
        const what = connected ? `no reply from ${this.url.host} within ${this.timeoutMs / 1000}s` : `could not connect to ${this.url.host} within ${this.timeoutMs / 1000}s`;
        req.destroy(Object.assign(new Error(what), { code: connected ? SLOW_REPLY : 'ETIMEDOUT' }));
      });
      req.on('error', reject);
      req.end(call.body);
    });
  }
}

function checked(reply: Reply): Reply {
  if (reply.status < 300) return reply;
  let code = STATUS_NAMES[reply.status] ?? `HTTP${reply.status}`;
  let message = `the server answered ${reply.status}`;
  const e = errorDocument(reply.body);
  if (e?.Code) code = e.Code;
  if (e?.Message) message = e.Message;
  throw new S3Error(code, message, reply.status);
}

/** The <Error> of a reply body; a body that is not one leaves the status to speak. */
function errorDocument(body: string): { Code?: string; Message?: string } | undefined {
  if (!body.trim().startsWith('<')) return undefined;
  try {
    return (xml.parse(body) as { Error?: { Code?: string; Message?: string } }).Error;
  } catch {
    return undefined;
  }
}

/** encodeURIComponent, plus the characters it leaves that Signature V4 encodes. */
function encodeRfc3986(part: string): string {
  return encodeURIComponent(part).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function retryable(err: unknown): boolean {
  if (err instanceof S3Error) return err.status >= 500;
  return RESET.has((err as { code?: string }).code ?? '');
}
