/**
 * `omnitron logs APP`: asks every agent which apps it runs, then prints the app's log from each node
 * that runs it (`[node] ` in front of each line when there are several). `--follow` streams until
 * Ctrl-C, which ends cleanly with exit 0.
 */
import { UserError } from '../../planner/diagnostics.js';
import { queryStatuses, type TargetStatus } from '../agent-access.js';
import { AgentUnavailable, type AgentEndpoint, type LogRequest } from '../agent-endpoint.js';
import type { Output } from '../output.js';
import { openSession, openStore, type StackOptions } from '../session.js';
import { withAgents } from '../stack-agents.js';
import { targetLabel } from '../views/status-text.js';
import { agentAppName } from '../../contract/agent/app-name.js';

export interface LogsFlags extends StackOptions, LogRequest {}

export interface LogSink {
  line(text: string): void;
  warn(text: string): void;
}

export async function logsCommand(app: string, flags: LogsFlags, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  const store = await openStore(session);
  const sink: LogSink = { line: (text) => { process.stdout.write(`${text}\n`); }, warn: (text) => out.warn(text) };
  const what = { app, stack: session.stack.scope.stack, request: { lines: flags.lines, follow: flags.follow, process: flags.process } };
  return withAgents(session, store.records(), ({ endpoints, signal }) => streamAppLogs(endpoints, what, sink, signal));
}

export interface AppLogs {
  app: string;
  stack: string;
  request: LogRequest;
}

/** 0 when every stream ended normally (or on abort), 1 when one broke off. */
export async function streamAppLogs(endpoints: readonly AgentEndpoint[], what: AppLogs, sink: LogSink, signal: AbortSignal): Promise<number> {
  const statuses = await queryStatuses(endpoints, signal);
  const { name, targets, unanswered } = appTargets(statuses, what);
  for (const t of unanswered) sink.warn(`warning: ${targetLabel(t.target)} did not answer (${t.problem}); its logs, if it runs ${what.app}, are not shown`);
  const prefixed = targets.length > 1;
  const streams = endpoints.filter((e) => targets.includes(e.target)).map(async (endpoint) => {
    const onLine = prefixed ? (line: string) => sink.line(`[${endpoint.target}] ${line}`) : sink.line;
    try {
      await endpoint.logs(name, what.request, onLine, signal);
      return 0;
    } catch (err) {
      if (signal.aborted) return 0;
      sink.warn(`${targetLabel(endpoint.target)}: logs of ${what.app} broke off: ${err instanceof AgentUnavailable ? err.message : (err as Error).message}`);
      return 1;
    }
  });
  return Math.max(0, ...(await Promise.all(streams)));
}

type Problem = Extract<TargetStatus, { problem: string }>;

/** The agents running the app (by the name the agent knows it under); a user error when none does. */
export function appTargets(statuses: readonly TargetStatus[], what: Pick<AppLogs, 'app' | 'stack' | 'request'>): { name: string; targets: string[]; unanswered: Problem[] } {
  const name = agentAppName(what.app);
  const answered = statuses.flatMap((s) => ('status' in s ? [s] : []));
  const unanswered = statuses.flatMap((s) => ('problem' in s ? [s] : []));
  const running = answered.filter((s) => s.status.apps.some((a) => a.name === name));
  if (running.length === 0) throw notFound(what, answered.map((s) => ({ target: s.target, apps: s.status.apps.map((a) => a.name) })), unanswered);
  const proc = what.request.process;
  const processes = [...new Set(running.flatMap((s) => s.status.apps.find((a) => a.name === name)!.processes.map((p) => p.name)))];
  if (proc !== undefined && !processes.includes(proc)) {
    throw new UserError({ severity: 'error', summary: `app "${what.app}" has no process "${proc}"`, detail: `Its processes: ${processes.join(', ') || '(none)'}.` });
  }
  return { name, targets: running.map((s) => s.target), unanswered };
}

function notFound(what: Pick<AppLogs, 'app' | 'stack'>, answered: Array<{ target: string; apps: string[] }>, unanswered: Problem[]): UserError {
  const asked = unanswered.map((u) => `${targetLabel(u.target)}: ${u.problem}${u.hint ? `\n  ${u.hint}` : ''}`);
  if (answered.length === 0) {
    return new UserError({ severity: 'error', summary: `cannot reach any agent of stack "${what.stack}" to find app "${what.app}"`, detail: asked.join('\n') });
  }
  const apps = [...new Set(answered.flatMap((a) => a.apps))].sort();
  const lines = [apps.length > 0 ? `Apps the agents run: ${apps.join(', ')}.` : 'The agents run no apps.', ...(asked.length > 0 ? ['Not asked (no answer):', ...asked.map((a) => `  ${a}`)] : [])];
  return new UserError({ severity: 'error', summary: `no app "${what.app}" runs in stack "${what.stack}"`, detail: lines.join('\n') });
}
