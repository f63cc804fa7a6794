/** `omnitron status`: every agent of the stack at once, one table per target; exit 1 when any cannot answer. */
import { queryStatuses, type TargetStatus } from '../agent-access.js';
import type { AgentEndpoint } from '../agent-endpoint.js';
import type { Output } from '../output.js';
import { openSession, openStore, type StackOptions } from '../session.js';
import { withAgents } from '../stack-agents.js';
import { renderStatusJson } from '../views/status-json.js';
import { renderStatusText } from '../views/status-text.js';

export interface StatusFlags extends StackOptions {
  json?: boolean;
}

export async function statusCommand(flags: StatusFlags, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  const store = await openStore(session);
  return withAgents(session, store.records(), ({ endpoints, signal }) => reportStatus(endpoints, { json: flags.json, identity: session.stack.scope }, out, signal));
}

export async function reportStatus(endpoints: readonly AgentEndpoint[], opts: { json?: boolean; identity: { project: string; stack: string } }, out: Output, signal: AbortSignal): Promise<number> {
  const targets = await queryStatuses(endpoints, signal);
  out.print(opts.json ? renderStatusJson(opts.identity, targets) : renderStatusText(targets, { color: out.color, now: Date.now() }));
  return statusExitCode(targets);
}

export function statusExitCode(targets: readonly TargetStatus[]): number {
  return targets.every((t) => 'status' in t) ? 0 : 1;
}
