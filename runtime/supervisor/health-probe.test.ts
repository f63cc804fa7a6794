import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpUrl, probeHealth, tcpAddress } from './health-probe.js';
import type { HealthSpec } from './types.js';

const ctx = { cwd: process.cwd(), env: { ...process.env, PROBE_VALUE: 'yes' } };
const spec = (type: HealthSpec['type'], target: string, timeout = 300): HealthSpec => ({ type, target, timeout, interval: 1000, failureThreshold: 3 });
const closers: Array<() => void> = [];
afterEach(() => { for (const close of closers.splice(0)) close(); });

function serve(handler: http.RequestListener): Promise<number> {
  const server = http.createServer(handler);
  closers.push(() => server.close());
  closers.push(() => server.closeAllConnections());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

describe('probe targets', () => {
  it('reads :port/path as this node and keeps full URLs', () => {
    expect(httpUrl(':8080/health').href).toBe('http://127.0.0.1:8080/health');
    expect(httpUrl('http://127.0.0.1:9/ready?x=1').href).toBe('http://127.0.0.1:9/ready?x=1');
  });

  it('reads tcp targets as port, host:port or [v6]:port', () => {
    expect(tcpAddress('6379')).toEqual({ host: '127.0.0.1', port: 6379 });
    expect(tcpAddress('127.0.0.1:5432')).toEqual({ host: '127.0.0.1', port: 5432 });
    expect(tcpAddress('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(() => tcpAddress('redis')).toThrow('is not a port or host:port');
  });
});

describe('probeHealth', () => {
  it('http: 2xx passes, anything else fails, silence times out', async () => {
    const port = await serve((req, res) => {
      if (req.url === '/ok') return res.writeHead(204).end();
      if (req.url === '/bad') return res.writeHead(503).end();
    });
    expect(await probeHealth(spec('http', `:${port}/ok`), ctx)).toEqual({ ok: true, reason: 'http 204' });
    expect(await probeHealth(spec('http', `:${port}/bad`), ctx)).toEqual({ ok: false, reason: 'http 503' });
    const started = performance.now();
    expect(await probeHealth(spec('http', `:${port}/hang`, 100), ctx)).toEqual({ ok: false, reason: 'no response within 100 ms' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('tcp: a listener passes, a closed port fails', async () => {
    const port = await serve(() => undefined);
    expect((await probeHealth(spec('tcp', String(port)), ctx)).ok).toBe(true);
    closers.splice(0).forEach((close) => close());
    const refused = await probeHealth(spec('tcp', `127.0.0.1:${port}`), ctx);
    expect(refused.ok).toBe(false);
    expect(refused.reason).toContain('ECONNREFUSED');
  });

  it('command: exit 0 passes, runs with the app env, is killed at the timeout', async () => {
    expect(await probeHealth(spec('command', 'test "$PROBE_VALUE" = yes'), ctx)).toEqual({ ok: true, reason: 'exit 0' });
    expect(await probeHealth(spec('command', 'exit 3'), ctx)).toEqual({ ok: false, reason: 'command exited 3' });
    expect(await probeHealth(spec('command', 'sleep 5', 100), ctx)).toEqual({ ok: false, reason: 'command timed out after 100 ms' });
  });

  it('a malformed target is a failed probe, not a thrown error', async () => {
    expect(await probeHealth(spec('tcp', 'nope'), ctx)).toEqual({ ok: false, reason: 'health target "nope" is not a port or host:port' });
  });
});
