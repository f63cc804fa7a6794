/**
 * What every stack command shares: load the stack, open its state with the key, and the runtime the
 * engine needs (providers, clients, event sink, an abort signal tied to Ctrl-C).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError, error } from '../planner/diagnostics.js';
import { loadStack, type LoadedStack, type Runtime, type StackRequest } from '../planner/engine.js';
import { openBackend } from '../planner/state/open-backend.js';
import { resolveStateLocation, type StateLocation } from '../planner/state/state-url.js';
import { keyFilePath, loadStateKey, type StateKey } from '../planner/state/encryption.js';
import { StateStore } from '../planner/state/state-store.js';
import { type AcquiredLock, type LockInfo, type LockOperation, type StateBackend, describeHolder, formatDuration, lockAge } from '../planner/state/backend.js';
import { acquireLock } from '../planner/state/acquire-lock.js';
import type { EventSink } from '../planner/events.js';
import { createClients, PROVIDERS, type RunClients } from './compose.js';
import type { Output } from './output.js';

export interface StackOptions {
  config?: string;
  stack?: string;
  strict?: boolean;
  /** Accept and record the host key of a node seen for the first time. */
  trustNewHosts?: boolean;
  /** `omnitron dev`: the apps' `dev` settings apply. */
  dev?: boolean;
}

export interface Session {
  stack: LoadedStack;
  /** Where the state lives: OMNITRON_STATE_URL, else the stack's or the ecosystem's `state`, else the file. */
  location: StateLocation;
  backend: StateBackend;
  key: StateKey;
}

/** `createKey: false` (drift): never create a key file; an existing key is read, a missing one is an error only when state needs it. */
export async function openSession(opts: StackOptions, out: Output, mode: { createKey?: boolean } = {}): Promise<Session> {
  const request: StackRequest = { cwd: process.cwd(), config: opts.config, stack: opts.stack, strict: opts.strict, dev: opts.dev };
  const stack = await loadStack(request);
  out.diagnostics(stack.diagnostics);
  const location = resolveStateLocation(stack.model.stack.state ?? stack.ecosystem.state);
  const backend = openBackend(location, stack.scope);
  const stateDir = path.join(stack.scope.root, '.omnitron');
  const key = mode.createKey === false ? await existingStateKey(stateDir, backend) : await loadStateKey({ stateDir });
  return { stack, location, backend, key };
}

async function existingStateKey(stateDir: string, backend: StateBackend): Promise<StateKey> {
  const file = keyFilePath(process.env);
  if (process.env.OMNITRON_STATE_KEY !== undefined || existsSync(file)) return loadStateKey({ stateDir });
  // No state yet: nothing to open and nothing will be sealed, so a throwaway key that is never stored will do.
  if ((await backend.read()) === null) return { bytes: new Uint8Array(randomBytes(32)), source: 'none (no state yet)', kid: 'none', created: false };
  throw new UserError(error(`no state key: state ${backend.describe()} needs the key it was written with, and the key file ${file} does not exist`, {
    detail: 'Set OMNITRON_STATE_KEY (or OMNITRON_STATE_KEY_FILE) to that key. This command only reads: it never creates a key.',
  }));
}

export function openStore(session: Session): Promise<StateStore> {
  return StateStore.open(session.backend, session.key, { project: session.stack.scope.project, stack: session.stack.scope.stack });
}

export interface RunHandle extends Runtime {
  clients: RunClients;
}

/** Providers and their clients for one command: node connections are opened lazily and closed by `close`. */
/** `hostKeys`: node → the host key a saved plan saw, pinned for its apply (a node seen first in that plan included). */
export function runtime(session: Session, store: StateStore, sink: EventSink, signal: AbortSignal, opts: { trustNewHosts?: boolean; hostKeys?: ReadonlyMap<string, string> } = {}): RunHandle {
  const clients = createClients({ nodes: session.stack.model.stack.nodes, records: store.records(), trustNewHosts: opts.trustNewHosts ?? false, signal, ...(opts.hostKeys ? { planned: opts.hostKeys } : {}) });
  return { providers: PROVIDERS, clients, sink, signal };
}

export interface LockFlags {
  /** `--lock-wait`: how long to wait for a held lock, in ms (0: fail at once). */
  lockWait?: number;
}

/**
 * Takes the stack's lock for a command that writes state, waiting up to `--lock-wait` with a line
 * every 10 s naming the holder; warns when it took over the lock of a holder that is gone.
 */
export async function lockState(session: Session, operation: LockOperation, flags: LockFlags, out: Output, signal?: AbortSignal): Promise<AcquiredLock> {
  const waitMs = flags.lockWait ?? 0;
  const lock = await acquireLock(session.backend, { operation }, {
    waitMs, signal,
    onWaiting: (held, waited) => out.warn(`Waiting for the state lock: held by ${describeHolder(held)} running "${held.operation}" (${lockAge(held)}); waited ${formatDuration(waited)} of ${formatDuration(waitMs)}.`),
  });
  if (lock.takenOver) out.warn(takeoverWarning(session, lock.takenOver));
  return lock;
}

function takeoverWarning(session: Session, dead: LockInfo): string {
  const why = session.location.backend === 'postgres' ? 'its database connection is gone' : 'no longer running';
  const beat = dead.heartbeatAt ? `, last heartbeat ${dead.heartbeatAt}` : '';
  return `Warning: took over a stale state lock left by ${dead.holder} (pid ${dead.pid}, ${why}) running "${dead.operation}" since ${dead.createdAt}${beat}.`;
}

const EXIT_ON: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
const LEAVE_BUDGET_MS = 3_000;

/**
 * First Ctrl-C or SIGTERM: start nothing new, let running steps finish and be recorded; the command
 * then ends normally and releases its lock. A second one: release the lock (`leave`, which lets the
 * state write in flight finish first) and quit at once. SIGHUP, the terminal going away, is a first
 * Ctrl-C that never escalates (shells may send it twice); output nobody can read any more is dropped
 * (closed-output.ts).
 */
export function interruptible(out: Output, leave: () => Promise<void>): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      if (signal !== 'SIGHUP') quit(out, leave, EXIT_ON[signal] ?? 1);
      return;
    }
    out.warn('Interrupt received: finishing the steps already running and recording them in state. Press Ctrl-C again to quit at once.');
    controller.abort();
  };
  for (const signal of Object.keys(EXIT_ON)) process.on(signal, onSignal);
  return { signal: controller.signal, dispose: () => { for (const signal of Object.keys(EXIT_ON)) process.off(signal, onSignal); } };
}

function quit(out: Output, leave: () => Promise<void>, code: number): void {
  out.warn('Quitting now: steps still running are not recorded; the next plan reads what they did.');
  setTimeout(() => process.exit(code), LEAVE_BUDGET_MS).unref();
  void leave().catch(() => {}).finally(() => process.exit(code));
}

/** Runs every clean-up step even when one fails; a failure is a warning, never a reason to skip the rest. */
export async function cleanUp(out: Output, steps: ReadonlyArray<readonly [string, () => Promise<void> | void]>): Promise<void> {
  for (const [what, step] of steps) {
    try {
      await step();
    } catch (err) {
      out.warn(`Warning: ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
