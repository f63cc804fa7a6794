/**
 * What every stack command shares: load the stack, open its state with the key, and the runtime the
 * engine needs (providers, clients, event sink, an abort signal tied to Ctrl-C).
 */
import path from 'node:path';
import { loadStack, type LoadedStack, type Runtime, type StackRequest } from '../planner/engine.js';
import { LocalBackend } from '../planner/state/local-backend.js';
import { loadStateKey, type StateKey } from '../planner/state/encryption.js';
import { StateStore } from '../planner/state/state-store.js';
import type { StateBackend } from '../planner/state/backend.js';
import type { EventSink } from '../planner/events.js';
import { createClients, PROVIDERS, type RunClients } from './compose.js';
import type { Output } from './output.js';

export interface StackOptions {
  config?: string;
  stack?: string;
  strict?: boolean;
  /** Accept and record the host key of a node seen for the first time. */
  trustNewHosts?: boolean;
}

export interface Session {
  stack: LoadedStack;
  backend: StateBackend;
  key: StateKey;
}

export async function openSession(opts: StackOptions, out: Output): Promise<Session> {
  const request: StackRequest = { cwd: process.cwd(), config: opts.config, stack: opts.stack, strict: opts.strict };
  const stack = await loadStack(request);
  out.diagnostics(stack.diagnostics);
  const backend = new LocalBackend({ stackDir: stack.scope.stackDir, stack: stack.scope.stack });
  return { stack, backend, key: await loadStateKey({ stateDir: path.join(stack.scope.root, '.omnitron') }) };
}

export function openStore(session: Session): Promise<StateStore> {
  return StateStore.open(session.backend, session.key, { project: session.stack.scope.project, stack: session.stack.scope.stack });
}

export interface RunHandle extends Runtime {
  clients: RunClients;
}

/** Providers and their clients for one command: node connections are opened lazily and closed by `close`. */
export function runtime(session: Session, store: StateStore, sink: EventSink, signal: AbortSignal, opts: { trustNewHosts?: boolean } = {}): RunHandle {
  const clients = createClients({ nodes: session.stack.model.stack.nodes, records: store.records(), trustNewHosts: opts.trustNewHosts ?? false, signal });
  return { providers: PROVIDERS, clients, sink, signal };
}

/** First Ctrl-C: start nothing new, let running steps finish and be recorded. Second: leave now. */
export function interruptible(out: Output): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    out.warn('Interrupt received: finishing the steps already running and recording them in state. Press Ctrl-C again to quit at once.');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return { signal: controller.signal, dispose: () => { process.off('SIGINT', onSigint); process.off('SIGTERM', onSigint); } };
}
