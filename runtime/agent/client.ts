/**
 * Talks to an agent's control socket: the CLI uses it for local stacks, and the agent's `client`
 * subcommand uses it on a node (the CLI runs that over SSH). Non-2xx answers throw AgentHttpError
 * carrying the agent's short JSON error.
 */
import http from 'node:http';

export interface AgentRequestOptions {
  socketPath: string;
  token: string;
  method: 'GET' | 'POST';
  path: string;
  /** Receives a text body line by line as it arrives (logs, follow); the result's body is then undefined. */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

export interface AgentResponse<T = unknown> { status: number; body: T }

export class AgentHttpError extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    super(`agent answered ${status}: ${(body as { error?: string; reason?: string } | undefined)?.reason ?? (body as { error?: string } | undefined)?.error ?? 'no detail'}`);
  }
}

export const agentPaths = {
  status: '/v1/status',
  reload: '/v1/reload',
  restart: (app: string) => `/v1/apps/${encodeURIComponent(app)}/restart`,
  logs: (app: string, opts: { lines?: number; follow?: boolean; process?: string } = {}) => {
    const q = new URLSearchParams();
    if (opts.lines !== undefined) q.set('lines', String(opts.lines));
    if (opts.follow) q.set('follow', '1');
    if (opts.process) q.set('process', opts.process);
    const query = q.toString();
    return `/v1/apps/${encodeURIComponent(app)}/logs${query ? `?${query}` : ''}`;
  },
};

export function agentRequest<T = unknown>(opts: AgentRequestOptions): Promise<AgentResponse<T>> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      socketPath: opts.socketPath, method: opts.method, path: opts.path, signal: opts.signal,
      headers: { Authorization: `Bearer ${opts.token}`, Accept: 'application/json, text/plain' },
    }, (res) => {
      const status = res.statusCode ?? 0;
      const streaming = opts.onLine && status < 300 && !String(res.headers['content-type']).startsWith('application/json');
      if (streaming) return readLines(res, opts.onLine!).then(() => resolve({ status, body: undefined as T }), reject);
      readAll(res).then((text) => {
        const body = parseBody(text, res.headers['content-type']);
        if (status >= 300) reject(new AgentHttpError(status, body));
        else resolve({ status, body: body as T });
      }, reject);
    });
    req.once('error', reject);
    req.end();
  });
}

function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => { text += chunk; });
    res.once('end', () => resolve(text));
    res.once('error', reject);
  });
}

function readLines(res: http.IncomingMessage, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let partial = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    res.once('end', () => { if (partial) onLine(partial); resolve(); });
    res.once('error', reject);
    res.once('aborted', () => reject(new Error('agent closed the stream')));
  });
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (!contentType?.startsWith('application/json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
