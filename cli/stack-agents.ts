/** A stack's agents for one command: targets from config and state, SSH connections made lazily and closed at the end. */
import { UserError } from '../planner/diagnostics.js';
import type { StateRecord } from '../planner/resource.js';
import { agentSigningKey, agentTargets, endpointFor } from './agent-access.js';
import type { AgentEndpoint } from './agent-endpoint.js';
import { stopWhenReaderCloses } from './closed-output.js';
import { createClients } from './compose.js';
import type { Session } from './session.js';

export interface StackAgents {
  endpoints: AgentEndpoint[];
  close(): Promise<void>;
}

export function openAgents(session: Session, records: readonly StateRecord[], signal: AbortSignal): StackAgents {
  const { model, scope } = session.stack;
  const targets = agentTargets(model, records, scope.stackDir);
  if (targets.length === 0) {
    throw new UserError({ severity: 'error', summary: `stack "${scope.stack}" has no node agents yet`, detail: 'Agents run on the nodes that have apps, once `omnitron apply` has installed them.' });
  }
  const key = agentSigningKey(records, scope.stack);
  // Host keys must already be pinned: a control token is never sent to a host seen for the first time.
  const clients = createClients({ nodes: model.stack.nodes, records, trustNewHosts: false, signal });
  return { endpoints: targets.map((t) => endpointFor(t, { key, clients })), close: () => clients.close() };
}

export interface AgentRun {
  endpoints: AgentEndpoint[];
  /** Aborted by Ctrl-C (a second one quits at once), or when stdout's reader has gone. */
  signal: AbortSignal;
}

/** Runs `work` with the stack's agents; handlers and connections are released however it ends. */
export async function withAgents(session: Session, records: readonly StateRecord[], work: (run: AgentRun) => Promise<number>): Promise<number> {
  const interrupt = interruptOnce();
  // `omnitron logs -f api | head`, `status --watch | head` close the pipe: stop as after Ctrl-C.
  const forgetReader = stopWhenReaderCloses(interrupt.abort);
  try {
    const agents = openAgents(session, records, interrupt.signal);
    try {
      return await work({ endpoints: agents.endpoints, signal: interrupt.signal });
    } finally {
      await agents.close();
    }
  } finally {
    forgetReader();
    interrupt.dispose();
  }
}

/** Ctrl-C (or SIGTERM) aborts the returned signal; a second one quits at once. */
function interruptOnce(): { signal: AbortSignal; abort(): void; dispose(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: controller.signal, abort: () => controller.abort(), dispose: () => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); } };
}
