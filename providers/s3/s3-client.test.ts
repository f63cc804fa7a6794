import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isUnreachable } from './connection.js';
import { S3Client, S3Error, SLOW_REPLY } from './s3-client.js';

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }
/** undefined: never reply. */
type Answer = (req: Seen) => { status?: number; body?: string } | undefined;

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A local HTTP server answering each request with `answer`; returns a client for it and what it saw. */
async function serve(answer: Answer, opts: { prefix?: string; host?: string; timeoutMs?: number } = {}): Promise<{ s3: S3Client; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(request);
      const reply = answer(request);
      if (!reply) return;
      const { status = 200, body = '' } = reply;
      res.writeHead(status, { 'content-type': 'application/xml' }).end(body);
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server!.listen(0, host, resolve));
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${(server!.address() as AddressInfo).port}${opts.prefix ?? ''}`;
  return { s3: new S3Client({ endpoint, region: 'us-east-1', accessKey: 'omnitron', secretKey: 'root-secret' }, opts.timeoutMs), seen };
}

const rfc3986 = (part: string) => encodeURIComponent(part).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The Signature V4 an S3 server computes for a request it received (AWS's documented steps, as MinIO
 * does them): the path decoded and each part encoded again, the query sorted, the signed headers.
 */
function serverSignature(req: Seen, secret: string): string {
  const auth = /Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([^,]+), Signature=/.exec(String(req.headers.authorization))!;
  const [, , day, region, signedHeaders] = auth;
  const [rawPath, rawQuery = ''] = req.url.split('?');
  const canonicalPath = rawPath.split('/').map((p) => rfc3986(decodeURIComponent(p))).join('/');
  const canonicalQuery = rawQuery.split('&').filter(Boolean).map((kv) => kv.split('=').map((x) => rfc3986(decodeURIComponent(x ?? ''))).join('=')).sort().join('&');
  const names = signedHeaders.split(';');
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n]).trim()}\n`).join('');
  const request = [req.method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders, String(req.headers['x-amz-content-sha256'])].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', String(req.headers['x-amz-date']), scope, createHash('sha256').update(request).digest('hex')].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 's3'), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex');
}

const errorXml = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

describe('S3 client', () => {
  it('signs every call with Signature V4 for its region and service, path-style', async () => {
    const { s3, seen } = await serve(() => ({ body: '<ListAllMyBucketsResult><Buckets><Bucket><Name>a</Name></Bucket><Bucket><Name>b</Name></Bucket></Buckets></ListAllMyBucketsResult>' }));
    expect(await s3.listBuckets()).toEqual(['a', 'b']);
    s3.close();
    expect(seen[0]!.url).toBe('/');
    expect(seen[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=omnitron\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/);
    expect(seen[0]!.headers['x-amz-content-sha256']).toBe(createHash('sha256').update('').digest('hex'));
    expect(JSON.stringify(seen[0]!.headers)).not.toContain('root-secret');
  });

  it('reads one listed key as a list, and an empty listing as none', async () => {
    const listings = [
      '<ListBucketResult><Name>up</Name><Contents><Key>only</Key></Contents></ListBucketResult>',
      '<ListBucketResult><Name>up</Name><KeyCount>0</KeyCount></ListBucketResult>',
    ];
    const { s3, seen } = await serve(() => ({ body: listings.shift() }));
    expect(await s3.listKeys('up', 2)).toEqual(['only']);
    expect(await s3.listKeys('up', 1000)).toEqual([]);
    s3.close();
    expect(seen.map((r) => r.url)).toEqual(['/up?list-type=2&max-keys=2', '/up?list-type=2&max-keys=1000']);
  });

  it('turns an error reply into an S3Error named by its code, and a bodiless 404 into NotFound', async () => {
    const replies = [{ status: 404, body: errorXml('NoSuchBucket', 'The specified bucket does not exist') }, { status: 404, body: '' }];
    const { s3 } = await serve(() => replies.shift()!);
    const first = await s3.getText('gone', 'k').catch((e: unknown) => e);
    expect(first).toBeInstanceOf(S3Error);
    expect(first).toMatchObject({ name: 'NoSuchBucket', code: 'NoSuchBucket', status: 404, message: 'The specified bucket does not exist' });
    await expect(s3.deleteBucket('gone')).rejects.toMatchObject({ code: 'NotFound', status: 404 });
    s3.close();
  });

  it('deletes keys with an escaped XML body and its MD5, and fails when the server could not delete one', async () => {
    const replies = [{ body: '<DeleteResult></DeleteResult>' }, { body: '<DeleteResult><Error><Key>b</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>' }];
    const { s3, seen } = await serve(() => replies.shift()!);
    await s3.deleteKeys('up', ['a&b', '<c>']);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/up?delete=' });
    expect(seen[0]!.body).toContain('<Key>a&amp;b</Key>');
    expect(seen[0]!.body).toContain('<Key>&lt;c&gt;</Key>');
    expect(seen[0]!.headers['content-md5']).toBe(createHash('md5').update(seen[0]!.body).digest('base64'));
    await expect(s3.deleteKeys('up', ['b'])).rejects.toMatchObject({ code: 'AccessDenied', message: 'could not delete b: Access Denied' });
    s3.close();
  });

  it('retries a 5xx once, and gives up on the second', async () => {
    const replies = [{ status: 503, body: errorXml('SlowDown', 'slow down') }, { status: 200 }, { status: 500 }, { status: 500 }];
    const { s3, seen } = await serve(() => replies.shift()!);
    await s3.putText('up', 'dir/marker.json', '{"a":1}', 'application/json');
    expect(seen.map((r) => `${r.method} ${r.url} ${r.body}`)).toEqual(['PUT /up/dir/marker.json {"a":1}', 'PUT /up/dir/marker.json {"a":1}']);
    expect(seen[1]!.headers['content-type']).toBe('application/json');
    await expect(s3.createBucket('up')).rejects.toMatchObject({ code: 'HTTP500', status: 500 });
    expect(seen).toHaveLength(4);
    s3.close();
  });

  it('sends each key as it signed it, under an endpoint path, and a server computing the signature agrees', async () => {
    const key = "dir/a b+c/ü/it's(1)*!.json";
    const { s3, seen } = await serve(() => ({}), { prefix: '/s3/' });
    await s3.putText('up', key, 'x', 'text/plain');
    await s3.getText('up', key);
    s3.close();
    expect(seen[0]!.url).toBe('/s3/up/dir/a%20b%2Bc/%C3%BC/it%27s%281%29%2A%21.json');
    for (const req of seen) expect(String(req.headers.authorization)).toContain(`Signature=${serverSignature(req, 'root-secret')}`);
  });

  it('reads listed keys exactly: spaces kept, character references decoded', async () => {
    const { s3 } = await serve(() => ({ body: '<ListBucketResult>\n  <Contents><Key> spaced </Key></Contents>\n  <Contents><Key>a&#xA;b&amp;c</Key></Contents>\n</ListBucketResult>' }));
    expect(await s3.listKeys('up', 10)).toEqual([' spaced ', 'a\nb&c']);
    s3.close();
  });

  it('keeps the status when an error body is not XML it can read', async () => {
    const { s3 } = await serve(() => ({ status: 404, body: '<html><body>not found</bod' }));
    await expect(s3.getText('up', 'k')).rejects.toMatchObject({ code: 'NotFound', status: 404 });
    s3.close();
  });

  it('calls a server that accepted the connection but does not reply slow, not unreachable', async () => {
    const { s3 } = await serve(() => undefined, { timeoutMs: 200 });
    const err = await s3.listBuckets().catch((e: unknown) => e);
    s3.close();
    expect(err).toMatchObject({ code: SLOW_REPLY });
    expect(isUnreachable(err)).toBe(false);
  });

  it('reaches an IPv6 endpoint', async () => {
    const { s3, seen } = await serve(() => ({ body: '<ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>' }), { host: '::1' });
    expect(await s3.listBuckets()).toEqual([]);
    s3.close();
    expect(seen[0]!.headers.host).toMatch(/^\[::1\]:\d+$/);
  });
});
