import { ownedScope, planStack, resourceTypes, type Runtime } from '../../planner/engine.js';
import { applyPlan, type RecordStore } from '../../planner/apply.js';
import { hasChanges, type Plan } from '../../planner/change.js';
import { UserError } from '../../planner/diagnostics.js';
import { checkNotStale, loadPlan } from '../../planner/plan-file.js';
import { writePlannedReleases } from '../../planner/artifacts/prepare.js';
import { renderPlanForPeople } from '../plan-display.js';
import { approve } from '../confirm.js';
import { createSink } from '../event-sink.js';
import { cleanUp, interruptible, lockState, openSession, openStore, runtime, type LockFlags, type Session, type StackOptions } from '../session.js';
import type { StateStore } from '../../planner/state/state-store.js';
import { type AcquiredLock, LockLostError } from '../../planner/state/backend.js';
import { applyRefreshOnly, refuseWithRefreshOnly } from './refresh-only.js';
import type { Output } from '../output.js';

export interface ApplyFlags extends StackOptions, LockFlags {
  autoApprove?: boolean;
  parallelism?: number;
  target?: string[];
  replace?: string[];
  json?: boolean;
  /** destroy only: delete data volumes too. */
  volumes?: boolean;
  allowEmpty?: boolean;
  refreshOnly?: boolean;
}

export async function applyCommand(planFile: string | undefined, flags: ApplyFlags, out: Output, mode: 'normal' | 'destroy' = 'normal'): Promise<number> {
  if (flags.refreshOnly) {
    refuseWithRefreshOnly('apply', { 'a saved plan file': planFile, '--target': flags.target, '--replace': flags.replace, '--allow-empty': flags.allowEmpty, '--json': flags.json, '--trust-new-hosts': flags.trustNewHosts });
    return applyRefreshOnly(flags, out);
  }
  const session = await openSession(flags, out);
  let store: StateStore | undefined;
  let lock: AcquiredLock | undefined;
  // Installed before the lock is taken and removed after it is released: no signal finds the lock unguarded.
  const stop = interruptible(out, async () => {
    await store?.settled();
    if (lock) await session.backend.unlock(lock.id);
  });
  try {
    lock = await lockState(session, mode === 'destroy' ? 'destroy' : 'apply', flags, out, stop.signal);
  } catch (err) {
    stop.dispose();
    await session.backend.close();
    throw err;
  }
  // A write refused because the lock was lost stops the run: nothing new starts, since it could not be recorded.
  const fenced = new AbortController();
  const signal = AbortSignal.any([stop.signal, fenced.signal]);
  // The progress view starts only after the plan is shown and approved: ink must not draw over the prompt.
  let sink: Awaited<ReturnType<typeof createSink>> | undefined;
  let closeClients = async () => {};
  try {
    store = await openStore(session);
    const saved = planFile ? await loadSavedPlan(planFile, session, store) : undefined;
    const run = runtime(session, store, (e) => sink?.sink(e), signal, { ...flags, ...(saved ? { hostKeys: plannedHostKeys(saved) } : {}) });
    closeClients = () => run.clients.close();
    if (saved && session.stack.model.stack.nodes.length > 0) await run.clients.connectAll?.();
    const plan = saved ?? await freshPlan(session, store, run, flags, mode, out);
    if (!plan) return 0;
    await writePlannedReleases(plan, session.stack.model);
    sink = await createSink(out, flags.json ?? false);
    const outcome = await applyPlan({
      plan, types: resourceTypes(run.providers), store: fencedStore(store, fenced), parallelism: flags.parallelism ?? 10, sink: sink.sink,
      context: { scope: ownedScope(session.stack.scope, store), clients: run.clients, signal },
    });
    await store.settled();
    if (fenced.signal.aborted) throw fenced.signal.reason;
    return outcome.failed.length > 0 || outcome.notStarted.length > 0 ? 1 : 0;
  } finally {
    await cleanUp(out, [
      ['closing connections', closeClients], ['closing the progress view', async () => sink?.done()],
      // The journal written during the run is folded into the document while the lock is still held.
      ['compacting the state', async () => { if (fenced.signal.aborted) return; await store?.settled(); await store?.compact(); }],
    ]);
    try {
      if (!fenced.signal.aborted) await session.backend.unlock(lock.id);
    } finally {
      stop.dispose();
      await session.backend.close();
    }
  }
}

/** The store as apply sees it: a write refused with LockLostError aborts the run before anything else starts. */
function fencedStore(store: StateStore, fenced: AbortController): RecordStore {
  const fence = (err: unknown): never => {
    if (err instanceof LockLostError && !fenced.signal.aborted) fenced.abort(err);
    throw err;
  };
  return {
    get: (address) => store.get(address),
    upsert: (record) => store.upsert(record).catch(fence),
    remove: (address) => store.remove(address).catch(fence),
  };
}

async function loadSavedPlan(file: string, session: Session, store: StateStore): Promise<Plan> {
  const plan = await loadPlan(file, session.key);
  if (plan.stack !== session.stack.scope.stack || plan.project !== session.stack.scope.project) {
    throw new UserError({ severity: 'error', summary: `saved plan ${file} is for ${plan.project}/${plan.stack}, not ${session.stack.scope.project}/${session.stack.scope.stack}`, detail: 'Pass the matching --stack, or make a new plan.' });
  }
  checkNotStale(file, plan.binding, { stateLineage: store.lineage, stateSerial: store.persistedSerial, configDigest: session.stack.digest });
  return plan;
}

/** The host key each node showed when the plan was made: apply of that plan talks only to those servers. */
export function plannedHostKeys(plan: Plan): Map<string, string> {
  const keys = new Map<string, string>();
  for (const c of plan.changes) {
    if (c.type !== 'ssh_known_host' || !('observed' in c) || !c.observed) continue;
    const { node, fingerprint } = (c.observed.attributes ?? {}) as { node?: unknown; fingerprint?: unknown };
    if (typeof node === 'string' && typeof fingerprint === 'string') keys.set(node, fingerprint);
  }
  return keys;
}

async function freshPlan(session: Session, store: StateStore, run: Runtime, flags: ApplyFlags, mode: 'normal' | 'destroy', out: Output): Promise<Plan | undefined> {
  const plan = await planStack(session.stack, store, { ...run, sink: () => {} }, {
    mode, targets: flags.target, replace: flags.replace, keepVolumes: !flags.volumes, allowEmpty: flags.allowEmpty,
  });
  if (!flags.json) out.print(await renderPlanForPeople(plan, { nodes: session.stack.model.stack.nodes.map((n) => n.name), providers: run.providers }, out));
  if (!hasChanges(plan)) return undefined;
  if (flags.autoApprove) return plan;
  if (!process.stdin.isTTY) {
    throw new UserError({
      severity: 'error',
      summary: `${mode === 'destroy' ? 'destroy' : 'apply'} needs approval, but there is no terminal to ask on`,
      detail: 'Review the plan above, then re-run with --auto-approve, or save a plan with `omnitron plan -out FILE` and run `omnitron apply FILE`.',
    });
  }
  const verb = mode === 'destroy' ? 'destroy all the resources shown above' : 'perform the actions described above';
  const question = { title: `Do you want to ${mode === 'destroy' ? 'really destroy all resources' : 'perform these actions'}?`, detail: `Omnitron will ${verb}.` };
  const ok = await approve(question, out);
  if (!ok) {
    throw new UserError({ severity: 'error', summary: `${mode === 'destroy' ? 'destroy' : 'apply'} cancelled`, detail: 'Nothing was changed.' });
  }
  return plan;
}
