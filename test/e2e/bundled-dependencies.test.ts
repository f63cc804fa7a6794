/**
 * The one-file builds of ioredis and dockerode that the CLI loads (scripts/bundle.mjs rewrites parts of
 * them): every command method still reaches Redis, Pipeline and Cluster, and the built-in modules they
 * use now and then (tls, zlib) are loaded only when something uses them. Each check runs in a fresh
 * Node, whose loaded modules are its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, requireNode24 } from './support/cli.js';

const BUNDLE = join(REPO_ROOT, 'dist', 'bundle');

/** Runs `script` (CommonJS) in a fresh Node and returns what it printed as JSON. */
function inFreshNode(script: string): Record<string, unknown> {
  requireNode24();
  const r = spawnSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const loaded = (name: string) => `process.moduleLoadList.includes('NativeModule ${name}')`;

describe('bundled dependencies', () => {
  it('were built', () => {
    expect(existsSync(join(BUNDLE, 'ioredis.cjs')) && existsSync(join(BUNDLE, 'dockerode.cjs'))).toBe(true);
  });

  it('ioredis: the same command methods as the installed package on Redis, Pipeline and Cluster; tls only for a TLS connection', () => {
    const out = inFreshNode(`
      const bundled = require(${JSON.stringify(join(BUNDLE, 'ioredis.cjs'))});
      const tlsAtLoad = ${loaded('tls')};
      const methods = (m) => {
        const r = new m.Redis({ lazyConnect: true });
        const p = r.pipeline();
        const c = new m.Cluster([], { lazyConnect: true });
        const names = (o) => { const all = []; for (const k in o) if (typeof o[k] === 'function') all.push(k); return all.sort(); };
        const result = { redis: names(r), pipeline: names(p), cluster: names(c) };
        r.disconnect(); c.disconnect();
        return result;
      };
      const ours = methods(bundled);
      const r = new bundled.Redis({ lazyConnect: true, tls: {}, port: 1, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      r.on('error', () => {});
      r.connect().catch(() => {}).finally(() => {
        r.disconnect();
        const tlsAfterTlsConnect = ${loaded('tls')};
        const installed = methods(require('ioredis'));
        console.log(JSON.stringify({ tlsAtLoad, tlsAfterTlsConnect, same: JSON.stringify(ours) === JSON.stringify(installed), commands: ours.redis.length, hasGet: ours.redis.includes('get') && ours.pipeline.includes('hgetallBuffer') && ours.cluster.includes('set') }));
      });
    `);
    expect(out).toMatchObject({ tlsAtLoad: false, tlsAfterTlsConnect: true, same: true, hasGet: true });
    expect(out.commands).toBeGreaterThan(400);
  });

  it('dockerode: https only for a TLS engine, zlib only to gzip a build context', () => {
    const out = inFreshNode(`
      const Docker = require(${JSON.stringify(join(BUNDLE, 'dockerode.cjs'))});
      const atLoad = ${loaded('https')};
      const zlibAtLoad = ${loaded('zlib')};
      new Docker().version().catch(() => {}).finally(() => {
        const afterSocketCall = ${loaded('https')};
        const zlibAfterSocketCall = ${loaded('zlib')};
        new Docker({ host: '127.0.0.1', port: 1, protocol: 'https' }).version().catch(() => {}).finally(() => {
          console.log(JSON.stringify({ atLoad, zlibAtLoad, afterSocketCall, zlibAfterSocketCall, afterHttpsCall: ${loaded('https')} }));
        });
      });
    `);
    expect(out).toEqual({ atLoad: false, zlibAtLoad: false, afterSocketCall: false, zlibAfterSocketCall: false, afterHttpsCall: true });
  });

  it('dockerode: zlib, loaded on first use, gzips a build context', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnitron-build-context-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    try {
      // No engine answers on this socket: the context is packed and gzipped before the request fails.
      const out = inFreshNode(`
        const Docker = require(${JSON.stringify(join(BUNDLE, 'dockerode.cjs'))});
        const docker = new Docker({ socketPath: ${JSON.stringify(join(dir, 'no-engine.sock'))} });
        docker.buildImage({ context: ${JSON.stringify(dir)}, src: ['Dockerfile'] }, { t: 'never-built' })
          .then(() => 'built', (err) => err.code ?? err.message)
          .then((failure) => console.log(JSON.stringify({ failure, zlib: ${loaded('zlib')} })));
      `);
      expect(out).toEqual({ failure: 'ENOENT', zlib: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
