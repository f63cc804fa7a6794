import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createControlVerifier, generateAgentKeyPair, signControlToken, type ControlAction, type JWK } from '../../contract/agent/control-token.js';
import { agentPaths, agentRequest, AgentHttpError } from './client.js';
import { startControlServer, type ControlServer } from './control-server.js';
import type { AppStatus, AgentStatus } from '../../contract/agent/status.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'omnitron-ctl-'));
const socketPath = path.join(tmp, 'agent.sock');
const logFile = path.join(tmp, 'api.log');
const app: AppStatus = { name: 'api', state: 'running', restarts: 0, health: 'unknown', processes: [{ name: 'main', state: 'running', restarts: 0, pid: 42 }] };
const status: AgentStatus = { node: 'node-1', project: 'acme', stack: 'test', updatedAt: 1, agent: { pid: 1, startedAt: 0, generation: 1, failedReloads: 0, version: 't', rss: 1, state: 'running' }, apps: [app] };
const restarted: string[] = [];
let server: ControlServer;
let keys: { privateJwk: JWK; publicJwk: JWK };

beforeAll(async () => {
  keys = await generateAgentKeyPair();
  writeFileSync(logFile, 'a\nb\nc\n');
  const verifier = await createControlVerifier(keys.publicJwk, 'node-1');
  server = await startControlServer({
    socketPath,
    verifier: () => verifier,
    handlers: {
      status: () => status,
      restart: async (name) => { restarted.push(name); return app; },
      logFile: () => logFile,
      reload: async () => ({ started: ['new'], stopped: [], restarted: [], unchanged: ['api'], rolledBack: [] }),
    },
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A fresh token per request (agents accept each once), for the action the request needs. */
const token = (action: ControlAction = 'status') => signControlToken(keys.privateJwk, { node: 'node-1', action });
const actionFor = (method: 'GET' | 'POST', p: string): ControlAction =>
  method === 'POST' ? (p.endsWith('/restart') ? 'restart' : 'reload') : p.endsWith('/logs') || p.includes('/logs?') ? 'logs' : 'status';
const call = async (method: 'GET' | 'POST', p: string, t?: string) => agentRequest({ socketPath, token: t ?? await token(actionFor(method, p)), method, path: p });

describe('control server', () => {
  it('listens on an owner-only socket', () => {
    const st = statSync(socketPath);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
  });

  it('serves status, restart and reload to a valid token', async () => {
    expect((await call('GET', agentPaths.status)).body).toEqual(status);
    expect((await call('POST', agentPaths.restart('api'))).body).toEqual({ app });
    expect(restarted).toEqual(['api']);
    expect((await call('POST', agentPaths.reload)).body).toEqual({ started: ['new'], stopped: [], restarted: [], unchanged: ['api'], rolledBack: [] });
  });

  it('refuses a forged token with 401 and a short reason, before routing', async () => {
    const other = await generateAgentKeyPair();
    const forged = await signControlToken(other.privateJwk, { node: 'node-1', action: 'status' });
    const err = await call('GET', '/v1/anything', forged).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentHttpError);
    expect((err as AgentHttpError).status).toBe(401);
    expect((err as AgentHttpError).body).toEqual({ error: 'unauthorized', reason: 'token signature invalid' });
    expect(JSON.stringify((err as AgentHttpError).body)).not.toContain(forged.split('.')[2]);
    expect(((await call('GET', agentPaths.status, '').catch((e: unknown) => e)) as AgentHttpError).status).toBe(401);
  });

  it('answers 404 for unknown apps and routes, 405 for wrong methods, 400 for bad input', async () => {
    const status = async (method: 'GET' | 'POST', p: string) => ((await call(method, p).catch((e: unknown) => e)) as AgentHttpError).status;
    expect(await status('POST', agentPaths.restart('nope'))).toBe(404);
    expect(await status('GET', agentPaths.logs('api', { process: 'nope' }))).toBe(404);
    expect(await status('GET', '/v2/status')).toBe(404);
    expect(await status('GET', agentPaths.restart('api'))).toBe(405);
    expect(await status('POST', agentPaths.status)).toBe(405);
    expect(await status('GET', agentPaths.logs('api', { lines: -1 }))).toBe(400);
  });

  it('tails the log, and follows it until the client disconnects', async () => {
    expect((await call('GET', agentPaths.logs('api', { lines: 2 }))).body).toBe('b\nc\n');
    const lines: string[] = [];
    const abort = new AbortController();
    const streaming = agentRequest({ socketPath, token: await token('logs'), method: 'GET', path: agentPaths.logs('api', { lines: 1, follow: true }), onLine: (l) => lines.push(l), signal: abort.signal }).catch((e: Error) => e);
    await waitFor(() => lines.length === 1);
    appendFileSync(logFile, 'd\ne\n');
    await waitFor(() => lines.length === 3);
    abort.abort();
    expect(await streaming).toBeInstanceOf(Error);
    expect(lines).toEqual(['c', 'd', 'e']);
  });

  it('refuses to replace a live socket and a regular file, and removes a stale socket', async () => {
    const verifier = () => async () => undefined;
    const handlers = { status: () => status, restart: async () => app, logFile: () => logFile, reload: async () => ({ started: [], stopped: [], restarted: [], unchanged: [], rolledBack: [] }) };
    await expect(startControlServer({ socketPath, verifier, handlers })).rejects.toThrow(`another agent is listening on ${socketPath}`);
    const plain = path.join(tmp, 'plain');
    writeFileSync(plain, '');
    await expect(startControlServer({ socketPath: plain, verifier, handlers })).rejects.toThrow('exists and is not a socket');
    const stale = path.join(tmp, 'stale.sock');
    await killedListener(stale);
    expect(statSync(stale).isSocket()).toBe(true);
    const second = await startControlServer({ socketPath: stale, verifier, handlers });
    expect((await agentRequest({ socketPath: stale, token: await token(), method: 'GET', path: agentPaths.status })).status).toBe(200);
    await second.close();
  });
});

/** A process that binds a socket and is SIGKILLed leaves the file behind, like a crashed agent. */
async function killedListener(socket: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socket)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => child.stdout.once('data', r));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}

async function waitFor(check: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
