/**
 * One target's agent, reached either over its control socket on this machine (local stacks) or by
 * running the agent's own `client` subcommand on a node over the node's transport (the socket is
 * root-only and never leaves the node). Both answer the same two questions: status, and log lines.
 * The token travels on stdin or in a header, never in argv, messages or output.
 */
import type { Transport } from '../planner/transport.js';
import type { AgentPaths } from '../contract/agent/layout.js';
import type { ControlAction } from '../contract/agent/control-token.js';
import { agentPaths, agentRequest, AgentHttpError } from '../runtime/agent/client.js';
import { lineSplitter } from './line-splitter.js';
import type { AgentStatus, AppStatus } from '../contract/agent/status.js';

export interface LogRequest {
  lines?: number;
  follow?: boolean;
  process?: string;
}

export interface AgentEndpoint {
  /** The node's name, or `local`. */
  readonly target: string;
  status(signal?: AbortSignal): Promise<AgentStatus>;
  /** Resolves when the log ends (without follow) or when `signal` aborts (with follow). */
  logs(app: string, request: LogRequest, onLine: (line: string) => void, signal?: AbortSignal): Promise<void>;
  /** Restarts one app now (the local agent only: `omnitron dev`). */
  restart?(app: string, signal?: AbortSignal): Promise<AppStatus>;
}

/** Why an agent could not answer, in words for the operator; never carries the token. */
export class AgentUnavailable extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** Mints a fresh control token for one request of that kind (agents accept each token once). */
export type TokenSource = (action: ControlAction) => Promise<string>;

export function socketEndpoint(target: string, socketPath: string, token: TokenSource): AgentEndpoint {
  const call = async <T>(action: ControlAction, path: string, onLine?: (line: string) => void, signal?: AbortSignal) => {
    try {
      const method = action === 'restart' ? 'POST' : 'GET';
      return (await agentRequest<T>({ socketPath, token: await token(action), method, path, onLine, signal })).body;
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (err instanceof AgentUnavailable) throw err;
      throw err instanceof AgentHttpError ? httpProblem(err.status, err.body) : socketProblem(socketPath, err as NodeJS.ErrnoException);
    }
  };
  return {
    target,
    status: (signal) => call<AgentStatus>('status', agentPaths.status, undefined, signal),
    logs: async (app, request, onLine, signal) => {
      await call('logs', agentPaths.logs(app, request), onLine, signal).catch((err: unknown) => { if (!signal?.aborted) throw err; });
    },
    restart: async (app, signal) => (await call<{ app: AppStatus }>('restart', agentPaths.restart(app), undefined, signal)).app,
  };
}

/** `node AGENT client …` on the node: the command line the remote endpoint runs. */
export function clientArgv(nodeBinary: string, paths: Pick<AgentPaths, 'bundle' | 'controlSocket'>, command: 'status' | ['logs', string, LogRequest]): string[] {
  const base = [nodeBinary, paths.bundle, 'client'];
  if (command === 'status') return [...base, 'status', '--socket', paths.controlSocket];
  const [, app, request] = command;
  return [
    ...base, 'logs', app, '--socket', paths.controlSocket,
    ...(request.lines !== undefined ? ['--lines', String(request.lines)] : []),
    ...(request.follow ? ['--follow'] : []),
    ...(request.process ? ['--process', request.process] : []),
  ];
}

export interface RemoteAgent {
  node: string;
  transport: () => Promise<Transport>;
  nodeBinary: string;
  paths: Pick<AgentPaths, 'bundle' | 'controlSocket'>;
  token: TokenSource;
}

export function remoteEndpoint(agent: RemoteAgent): AgentEndpoint {
  const reach = async () => {
    try {
      return await agent.transport();
    } catch (err) {
      throw new AgentUnavailable(`unreachable: ${(err as Error).message}`, (err as { hint?: string }).hint);
    }
  };
  return {
    target: agent.node,
    status: async (signal) => {
      const transport = await reach();
      const argv = clientArgv(agent.nodeBinary, agent.paths, 'status');
      const result = await transport.exec(argv, { stdin: `${await agent.token('status')}\n`, signal, label: 'the agent client (status)' }).catch(lost);
      if (result.code !== 0) throw clientProblem(agent, result.code, result.stderr);
      return parseStatus(result.stdout);
    },
    logs: async (app, request, onLine, signal) => {
      const transport = await reach();
      const argv = clientArgv(agent.nodeBinary, agent.paths, ['logs', app, request]);
      const opts = { stdin: `${await agent.token('logs')}\n`, signal, label: `the agent client (logs ${app})` };
      if (!transport.execStream) {
        if (request.follow) throw new AgentUnavailable(`cannot follow logs over ${transport.address}: its transport does not stream`);
        const result = await transport.exec(argv, opts).catch(lost);
        if (result.code !== 0) throw clientProblem(agent, result.code, result.stderr);
        return void result.stdout.split('\n').slice(0, result.stdout.endsWith('\n') ? -1 : undefined).forEach(onLine);
      }
      const lines = lineSplitter(onLine);
      const result = await transport.execStream(argv, { ...opts, onStdout: lines.write }).catch((err: unknown) => (signal?.aborted ? undefined : lost(err)));
      lines.end();
      if (result && result.code !== 0) throw clientProblem(agent, result.code, result.stderr);
    },
  };
}

function lost(err: unknown): never {
  throw new AgentUnavailable(`unreachable: ${(err as Error).message}`, (err as { hint?: string }).hint);
}

function parseStatus(stdout: string): AgentStatus {
  try {
    const status = JSON.parse(stdout) as AgentStatus;
    if (Array.isArray(status.apps) && status.agent) return status;
  } catch {
    // reported below
  }
  throw new AgentUnavailable('the agent answered something that is not a status document (please report)');
}

/** The agent client's exit codes (runtime/agent/main.ts): 1 HTTP error, 2 bad usage, 3 no agent on the socket. */
export function clientProblem(agent: Pick<RemoteAgent, 'nodeBinary' | 'paths'>, code: number, stderr: string): AgentUnavailable {
  const detail = lastJsonLine(stderr);
  if (code === 1 && typeof detail?.status === 'number') return httpProblem(detail.status, detail);
  if (code === 3) return new AgentUnavailable(`agent not running: nothing answers on ${agent.paths.controlSocket}${causeOf(detail)}`, 'Check `systemctl status omnitron-agent` on the node, or run `omnitron apply`.');
  if (code === 127) return new AgentUnavailable(`agent not installed: ${agent.nodeBinary} is missing`, 'Run `omnitron apply` to install it.');
  if (/Cannot find module/.test(stderr)) return new AgentUnavailable(`agent not installed: ${agent.paths.bundle} is missing`, 'Run `omnitron apply` to install it.');
  const first = firstLine(typeof detail?.error === 'string' ? detail.error : stderr);
  if (code === 2) return new AgentUnavailable(`the agent on this node does not understand this omnitron's request: ${first}`, 'Run `omnitron apply` to update the agent.');
  return new AgentUnavailable(`the agent client exited with ${code}${first ? `: ${first}` : ''}`);
}

export function httpProblem(status: number, body: unknown): AgentUnavailable {
  const { error, reason } = (body ?? {}) as { error?: string; reason?: string };
  if (status === 401) return new AgentUnavailable(`the agent refused omnitron's control token (${reason ?? error ?? 'unauthorized'})`, 'The agent key in state and the node\'s manifest disagree, or the clocks differ by minutes: run `omnitron apply`, and check the node\'s clock.');
  return new AgentUnavailable(`the agent answered ${status}: ${error ?? 'no detail'}`);
}

function socketProblem(socketPath: string, err: NodeJS.ErrnoException): AgentUnavailable {
  if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') return new AgentUnavailable(`agent not running: nothing answers on ${socketPath}`, 'Run `omnitron apply` to start it.');
  if (err.code === 'EACCES') return new AgentUnavailable(`cannot open ${socketPath}: permission denied`, 'The agent runs as another user; run omnitron as that user.');
  return new AgentUnavailable(`agent request over ${socketPath} failed: ${err.code ?? err.message}`);
}

function lastJsonLine(stderr: string): Record<string, unknown> | undefined {
  const line = stderr.trim().split('\n').at(-1) ?? '';
  try {
    const value = JSON.parse(line) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function causeOf(detail: Record<string, unknown> | undefined): string {
  const cause = typeof detail?.error === 'string' ? /failed: (\S+)$/.exec(detail.error)?.[1] : undefined;
  return cause ? ` (${cause})` : '';
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
