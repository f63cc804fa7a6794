/**
 * The agent's control API over a Unix socket (owner-only). Every request must carry a control token
 * (auth.ts); the token is checked before routing, so nothing about the node leaks without one.
 *   GET  /v1/status                       → AgentStatus
 *   POST /v1/apps/:name/restart           → { app: AppStatus }
 *   GET  /v1/apps/:name/logs?lines=N&follow=1&process=P → text lines (streamed while follow=1)
 *   POST /v1/reload                       → ReconcileResult
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { ReconcileResult } from '../supervisor/supervisor.js';
import { AuthError, type ControlAction, type ControlVerifier } from '../../contract/agent/control-token.js';
import { followLines, tailLines } from './log-tail.js';
import { claimSocketPath, listenOwnerOnly, removeSocketFile } from './socket-file.js';
import type { AppStatus, AgentStatus } from '../../contract/agent/status.js';

export type { ReconcileResult };

export interface ControlHandlers {
  status(): AgentStatus;
  restart(app: string): Promise<AppStatus | undefined>;
  logFile(app: string, process?: string): string;
  reload(): Promise<ReconcileResult>;
}

export interface ControlServerOptions {
  socketPath: string;
  /** Looked up per request: a reload may rotate the key. */
  verifier: () => ControlVerifier;
  handlers: ControlHandlers;
}

export interface ControlServer { close(): Promise<void> }

export class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

const DEFAULT_LINES = 100;
const MAX_LINES = 10_000;

export async function startControlServer(opts: ControlServerOptions): Promise<ControlServer> {
  await claimSocketPath(opts.socketPath);
  const server = http.createServer((req, res) => { void handle(req, res, opts).catch((err) => fail(res, err)); });
  await listenOwnerOnly(server, opts.socketPath);
  return {
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // followers would hold the server open
      removeSocketFile(opts.socketPath);
    }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: ControlServerOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://agent');
  try {
    await opts.verifier()(req.headers.authorization, actionOf(req.method, url.pathname));
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    res.setHeader('WWW-Authenticate', 'Bearer');
    return json(res, 401, { error: 'unauthorized', reason: err.message });
  }
  const route = `${req.method} ${url.pathname}`;
  const h = opts.handlers;
  if (route === 'GET /v1/status') return json(res, 200, h.status());
  if (route === 'POST /v1/reload') return json(res, 200, await h.reload());
  if (url.pathname === '/v1/status' || url.pathname === '/v1/reload') return json(res, 405, { error: `method ${req.method} not allowed on ${url.pathname}` });
  const m = /^\/v1\/apps\/([^/]+)\/(restart|logs)$/.exec(url.pathname);
  if (!m) return json(res, 404, { error: `no route ${route}` });
  const app = knownApp(h, decodeURIComponent(m[1]));
  if (m[2] === 'restart' && req.method === 'POST') return json(res, 200, { app: await h.restart(app.name) });
  if (m[2] === 'logs' && req.method === 'GET') return streamLogs(req, res, h, app, url.searchParams);
  return json(res, 405, { error: `method ${req.method} not allowed on ${url.pathname}` });
}

/** The action a request needs its token to allow; undefined for what no route serves (a 404 or 405 after auth). */
function actionOf(method: string | undefined, pathname: string): ControlAction | undefined {
  if (method === 'GET' && pathname === '/v1/status') return 'status';
  if (method === 'POST' && pathname === '/v1/reload') return 'reload';
  const m = /^\/v1\/apps\/[^/]+\/(restart|logs)$/.exec(pathname);
  if (m?.[1] === 'restart' && method === 'POST') return 'restart';
  if (m?.[1] === 'logs' && method === 'GET') return 'logs';
  return undefined;
}

function knownApp(h: ControlHandlers, name: string): AppStatus {
  const app = h.status().apps.find((a) => a.name === name);
  if (!app) throw new HttpError(404, `unknown app "${name}"`);
  return app;
}

async function streamLogs(req: IncomingMessage, res: ServerResponse, h: ControlHandlers, app: AppStatus, q: URLSearchParams): Promise<void> {
  const lines = q.has('lines') ? Number(q.get('lines')) : DEFAULT_LINES;
  if (!Number.isInteger(lines) || lines < 0 || lines > MAX_LINES) throw new HttpError(400, `lines must be an integer in [0, ${MAX_LINES}]`);
  const proc = q.get('process') ?? undefined;
  if (proc !== undefined && !app.processes.some((p) => p.name === proc)) throw new HttpError(404, `app "${app.name}" has no process "${proc}"`);
  const file = h.logFile(app.name, proc);
  const tail = await tailLines(file, lines);
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  for (const line of tail.lines) res.write(`${line}\n`);
  if (q.get('follow') !== '1') return void res.end();
  const stop = followLines(file, { start: tail.end, ino: tail.ino, onLines: (batch) => res.write(batch.map((l) => `${l}\n`).join('')) });
  res.once('close', stop);
  req.once('close', stop);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function fail(res: ServerResponse, err: unknown): void {
  const status = err instanceof HttpError ? err.status : 500;
  const message = err instanceof Error ? err.message : String(err);
  if (res.headersSent) return void res.destroy();
  json(res, status, { error: message });
}
