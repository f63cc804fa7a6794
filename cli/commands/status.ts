/** `omnitron status`: every agent of the stack at once, one table per target; exit 1 when any cannot answer. */
import { queryStatuses, type TargetStatus } from '../agent-access.js';
import type { AgentEndpoint } from '../agent-endpoint.js';
import type { Output } from '../output.js';
import { openSession, openStore, type StackOptions } from '../session.js';
import { withAgents } from '../stack-agents.js';
import { watchStatuses } from '../status-watch.js';
import { renderStatusJson } from '../views/status-json.js';
import { renderStatusText } from '../views/status-text.js';

export interface StatusFlags extends StackOptions {
  json?: boolean;
  /** Keep asking until Ctrl-C, every `interval` ms. */
  watch?: boolean;
  interval?: number;
}

const DEFAULT_WATCH_INTERVAL_MS = 2_000;

export async function statusCommand(flags: StatusFlags, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  const store = await openStore(session);
  const identity = session.stack.scope;
  return withAgents(session, store.records(), ({ endpoints, signal }) => (flags.watch
    ? watchStatus(endpoints, { json: flags.json, identity, intervalMs: flags.interval ?? DEFAULT_WATCH_INTERVAL_MS }, out, signal)
    : reportStatus(endpoints, { json: flags.json, identity }, out, signal)));
}

export async function reportStatus(endpoints: readonly AgentEndpoint[], opts: { json?: boolean; identity: { project: string; stack: string } }, out: Output, signal: AbortSignal): Promise<number> {
  const targets = await queryStatuses(endpoints, signal);
  out.print(opts.json ? renderStatusJson(opts.identity, targets) : renderStatusText(targets, { color: out.color, now: Date.now() }));
  return statusExitCode(targets);
}

/**
 * A live table on a rich terminal; elsewhere each refresh is printed as `status` prints it (a JSON
 * document per line with --json), one after the other. Ctrl-C ends it, with exit 0.
 */
async function watchStatus(endpoints: readonly AgentEndpoint[], opts: { json?: boolean; identity: { project: string; stack: string }; intervalMs: number }, out: Output, signal: AbortSignal): Promise<number> {
  if (opts.json || !out.tty) {
    let first = true;
    await watchStatuses(endpoints, { intervalMs: opts.intervalMs, signal }, (targets, at) => {
      const text = opts.json ? `${JSON.stringify(JSON.parse(renderStatusJson(opts.identity, targets)))}\n` : renderStatusText(targets, { color: out.color, now: at });
      out.print(first || opts.json ? text : `\n${text}`);
      first = false;
    });
    return 0;
  }
  const view = (await import('../views/status-watch.js')).createStatusWatch(process.stdout, { intervalMs: opts.intervalMs, color: out.color });
  try {
    await watchStatuses(endpoints, { intervalMs: opts.intervalMs, signal }, view.update);
  } finally {
    await view.done();
  }
  return 0;
}

export function statusExitCode(targets: readonly TargetStatus[]): number {
  return targets.every((t) => 'status' in t) ? 0 : 1;
}
