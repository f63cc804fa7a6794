/**
 * Entry of agent.bundle.mjs.
 *   run --manifest PATH
 *     Runs the agent until SIGTERM/SIGINT (exit 0, apps stopped) or a critical app's failure (exit 70);
 *     SIGHUP reloads; SIGUSR2 hands over: exit 0 leaving the apps running for the next agent to adopt.
 *   client (status | restart APP | logs APP [--follow] [--lines N] [--process P] | reload) --socket PATH
 *     One control request; the token is read from stdin (argv would show it in `ps`). Prints the
 *     JSON answer (or log lines); exits 1 on an HTTP error, 2 on bad usage, 3 when the request itself
 *     failed (no agent on the socket, stream cut).
 */
import { parseArgs } from 'node:util';
import { startAgent } from './agent.js';
import { jsonLineLog } from './agent-log.js';
import { agentPaths, agentRequest, AgentHttpError, type AgentRequestOptions } from './client.js';
import { readManifest } from '../../contract/agent/manifest.js';
import { loadSystemDefinition } from './system-definition.js';
import { stopLeftoverApps } from '../leftover-apps.js';

const USAGE = `usage:
  agent run --manifest PATH
  agent system --bootstrap PATH  (prints an app's defineSystem as JSON; the agent runs it as the app's user)
  agent reap --manifest PATH    (ExecStopPost: stops the apps a timed-out agent left running)
  agent client (status | restart APP | logs APP [--follow] [--lines N] [--process P] | reload) --socket PATH   (token on stdin)`;

async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { manifest: { type: 'string' } } });
  if (!values.manifest) return usage('missing --manifest');
  const log = jsonLineLog();
  const agent = await startAgent({ manifestPath: values.manifest, log });
  process.on('SIGHUP', () => { agent.reload().catch((err: Error) => log({ level: 'error', msg: 'reload failed', error: err.message })); });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void agent.shutdown(signal));
  process.on('SIGUSR2', () => void agent.handover());
  return agent.done;
}

/**
 * After systemd gave up waiting for the agent to stop (SERVICE_RESULT=timeout), its apps would run on
 * unsupervised: stop them. Any other end leaves them be: a hand-over or a crash is followed by an agent
 * that adopts them, and a normal stop already stopped them.
 */
async function reap(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { manifest: { type: 'string' } } });
  if (!values.manifest) return usage('missing --manifest');
  if (process.env.SERVICE_RESULT !== 'timeout') return 0;
  const manifest = await readManifest(values.manifest);
  const grace = Math.max(...manifest.apps.map((a) => a.shutdown.timeout), 1_000);
  const left = await stopLeftoverApps(manifest.stateDir, grace);
  jsonLineLog()({ level: 'warn', msg: 'stopped apps a timed-out agent left running', apps: left.map((p) => p.app) });
  return 0;
}

async function client(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { socket: { type: 'string' }, follow: { type: 'boolean' }, lines: { type: 'string' }, process: { type: 'string' } },
  });
  const [command, app] = positionals;
  if (!values.socket) return usage('missing --socket');
  const request = clientRequest(command, app, values);
  if (typeof request === 'string') return usage(request);
  const token = await readStdin();
  if (!token) return usage('pipe the control token on stdin');
  const onLine = command === 'logs' ? (line: string) => process.stdout.write(`${line}\n`) : undefined;
  try {
    const res = await agentRequest({ ...request, socketPath: values.socket, token, onLine });
    if (!onLine) process.stdout.write(`${JSON.stringify(res.body, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof AgentHttpError) { process.stderr.write(`${JSON.stringify({ status: err.status, ...(err.body as object) })}\n`); return 1; }
    process.stderr.write(`${JSON.stringify({ error: `agent request over ${values.socket} failed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` })}\n`);
    return 3;
  }
}

/** Prints an app's defineSystem as JSON: run by the agent as the app's user, so the app's code never runs as root. */
async function system(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { bootstrap: { type: 'string' } } });
  if (!values.bootstrap) return usage('missing --bootstrap');
  try {
    process.stdout.write(`${JSON.stringify(await loadSystemDefinition(values.bootstrap))}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
}

type ClientFlags = { follow?: boolean; lines?: string; process?: string };

function clientRequest(command: string | undefined, app: string | undefined, flags: ClientFlags): Pick<AgentRequestOptions, 'method' | 'path'> | string {
  if (command === 'status') return { method: 'GET', path: agentPaths.status };
  if (command === 'reload') return { method: 'POST', path: agentPaths.reload };
  if (command !== 'restart' && command !== 'logs') return command ? `unknown client command ${JSON.stringify(command)}` : 'missing client command';
  if (!app) return `${command}: missing APP`;
  if (command === 'restart') return { method: 'POST', path: agentPaths.restart(app) };
  const lines = flags.lines === undefined ? undefined : Number(flags.lines);
  if (lines !== undefined && !Number.isInteger(lines)) return '--lines expects an integer';
  return { method: 'GET', path: agentPaths.logs(app, { lines, follow: flags.follow, process: flags.process }) };
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.trim();
}

function usage(problem: string): number {
  process.stderr.write(`${problem}\n${USAGE}\n`);
  return 2;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'run') return run(rest);
  if (command === 'client') return client(rest);
  if (command === 'reap') return reap(rest);
  if (command === 'system') return system(rest);
  return usage(command ? `unknown command ${JSON.stringify(command)}` : 'missing command');
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0); });
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'agent failed', error: err instanceof Error ? err.message : String(err) })}\n`);
    process.exit(1);
  },
);
