import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clients } from '../../planner/resource.js';
import { parseS3Connection, serverKey, withS3 } from './connection.js';

const onNode = { endpoint: 'http://127.0.0.1:9000', via: 'store', region: 'us-east-1', accessKey: 'omnitron', secretKey: 'root-secret' };
const LIST = '<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>o</ID></Owner><Buckets><Bucket><Name>uploads</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe('S3 connection', () => {
  it('keeps the node to tunnel through, and tells servers behind different nodes apart', () => {
    const parsed = parseS3Connection(onNode)!;
    expect(parsed).toMatchObject({ host: '127.0.0.1', port: 9000, via: 'store' });
    expect(serverKey(parsed)).not.toBe(serverKey(parseS3Connection({ ...onNode, via: 'other' })!));
    expect(parseS3Connection({ ...onNode, via: '' })).toBeUndefined();
  });

  it('dials the local end of the node\'s tunnel for a server on a node', async () => {
    const seen: string[] = [];
    server = http.createServer((req, res) => { seen.push(`${req.method} ${req.url}`); res.setHeader('content-type', 'application/xml'); res.end(LIST); });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const forwarded: unknown[] = [];
    const clients = { forward: async (...args: unknown[]) => { forwarded.push(args); return { host: '127.0.0.1', port: (server!.address() as AddressInfo).port }; } } as unknown as Clients;
    const names = await withS3(clients, parseS3Connection(onNode)!, (s3) => s3.listBuckets());
    expect(names).toEqual(['uploads']);
    expect(forwarded).toEqual([['store', '127.0.0.1', 9000]]);
    expect(seen).toEqual(['GET /']);
  });
});
