import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { HealthSpec } from './types.js';

export interface ProbeResult { ok: boolean; reason: string }
export interface ProbeContext { cwd: string; env: NodeJS.ProcessEnv }

/** One health probe, bounded by spec.timeout: http GET expects 2xx, tcp expects a connect, command expects exit 0. */
export async function probeHealth(spec: HealthSpec, ctx: ProbeContext): Promise<ProbeResult> {
  try {
    switch (spec.type) {
      case 'http': return await probeHttp(httpUrl(spec.target), spec.timeout);
      case 'tcp': return await probeTcp(tcpAddress(spec.target), spec.timeout);
      case 'command': return await probeCommand(spec.target, spec.timeout, ctx);
    }
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/** `:8080/health` means the app on this node; anything else must be a full URL. */
export function httpUrl(target: string): URL {
  return new URL(target.startsWith(':') ? `http://127.0.0.1${target}` : target);
}

export function tcpAddress(target: string): { host: string; port: number } {
  const at = target.lastIndexOf(':');
  const host = at > 0 ? target.slice(0, at).replace(/^\[(.*)\]$/, '$1') : '127.0.0.1';
  const port = Number(at >= 0 ? target.slice(at + 1) : target);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) throw new Error(`health target "${target}" is not a port or host:port`);
  return { host, port };
}

function probeHttp(url: URL, timeout: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const get = url.protocol === 'https:' ? https.get : http.get;
    const req = get(url, { agent: false, timeout }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 300 ? { ok: true, reason: `http ${code}` } : { ok: false, reason: `http ${code}` });
    });
    req.on('timeout', () => req.destroy(new Error(`no response within ${timeout} ms`)));
    req.on('error', (err) => resolve({ ok: false, reason: err.message }));
  });
}

function probeTcp(address: { host: string; port: number }, timeout: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    const done = (result: ProbeResult): void => { socket.destroy(); resolve(result); };
    socket.setTimeout(timeout, () => done({ ok: false, reason: `no connection within ${timeout} ms` }));
    socket.once('connect', () => done({ ok: true, reason: 'connected' }));
    socket.once('error', (err) => done({ ok: false, reason: err.message }));
  });
}

function probeCommand(command: string, timeout: number, ctx: ProbeContext): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { cwd: ctx.cwd, env: ctx.env, stdio: 'ignore', detached: true });
    const timer = setTimeout(() => { killGroup(child.pid); resolve({ ok: false, reason: `command timed out after ${timeout} ms` }); }, timeout);
    child.once('error', (err) => { clearTimeout(timer); resolve({ ok: false, reason: err.message }); });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code === 0 ? { ok: true, reason: 'exit 0' } : { ok: false, reason: signal ? `command killed by ${signal}` : `command exited ${code}` });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid) try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
}
