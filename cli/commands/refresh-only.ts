/**
 * `plan -refresh-only` and `apply -refresh-only` (Terraform's): show what changed outside omnitron, and
 * accept it into state without changing anything live. The plan's `--detailed-exitcode` exits 2 only when
 * something changed outside omnitron (Terraform's refresh-only returned 2 for any pending change).
 */
import { UserError, error } from '../../planner/diagnostics.js';
import { acceptOutsideChanges } from '../../planner/refresh-only.js';
import type { DriftReport } from '../../planner/drift-report.js';
import { OMNITRON_VERSION } from '../../contract/version.js';
import { renderRefreshOnlyText } from '../views/drift-text.js';
import { renderDriftJson } from '../views/drift-json.js';
import { approve as askApproval } from '../confirm.js';
import { readDrift } from './drift.js';
import { cleanUp, interruptible, lockState, openSession, openStore, type LockFlags, type StackOptions } from '../session.js';
import type { AcquiredLock } from '../../planner/state/backend.js';
import type { StateStore } from '../../planner/state/state-store.js';
import type { Output } from '../output.js';

export interface RefreshOnlyFlags extends StackOptions, LockFlags {
  json?: boolean;
  detailedExitcode?: boolean;
  autoApprove?: boolean;
}

/** Flags that make no sense with --refresh-only are refused by name, never silently dropped. */
export function refuseWithRefreshOnly(command: 'plan' | 'apply', given: Record<string, unknown>): void {
  const bad = Object.entries(given).filter(([, v]) => v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0)).map(([flag]) => flag);
  if (bad.length === 0) return;
  throw new UserError(error(`${command} --refresh-only cannot be combined with ${bad.join(', ')}`, {
    detail: '--refresh-only only reads what changed outside omnitron (and, for apply, records it in state). Run a normal plan or apply for the rest; a new host key is trusted by a normal apply.',
  }));
}

export async function planRefreshOnly(flags: RefreshOnlyFlags, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  const { report } = await readDrift(session, await openStore(session));
  const outside = outsideOnly(report);
  out.print(flags.json ? renderDriftJson(outside, { version: OMNITRON_VERSION }) : renderRefreshOnlyText(outside, { color: out.color }));
  return flags.detailedExitcode && outside.outside.length > 0 ? 2 : 0;
}

export async function applyRefreshOnly(flags: RefreshOnlyFlags, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  let store: StateStore | undefined;
  let lock: AcquiredLock | undefined;
  const stop = interruptible(out, async () => {
    await store?.settled();
    if (lock) await session.backend.unlock(lock.id);
  });
  try {
    // As apply takes it: --lock-wait, and the same words when a dead holder's lock is taken over.
    lock = await lockState(session, 'apply -refresh-only', flags, out, stop.signal);
  } catch (err) {
    stop.dispose();
    throw err;
  }
  try {
    store = await openStore(session);
    const { request, report } = await readDrift(session, store);
    const outside = outsideOnly(report);
    out.print(renderRefreshOnlyText(outside, { color: out.color }));
    if (!outside.outside.some((o) => o.recordable)) return 0;
    await approve(flags, out);
    if (stop.signal.aborted) throw new UserError(error('apply -refresh-only interrupted before recording anything', { detail: 'State was not changed.' }));
    const done = await acceptOutsideChanges(outside, request.observed, store);
    await store.settled();
    out.print(`\nApply complete! Resources: 0 added, 0 changed, 0 destroyed.\nRecorded in state: ${done.updated.length} updated to what is live, ${done.forgotten.length} deleted outside omnitron forgotten.`);
    return 0;
  } finally {
    // The journal written during the run is folded into the document while the lock is still held, as apply does.
    await cleanUp(out, [['compacting the state', async () => { await store?.settled(); await store?.compact(); }]]);
    try {
      await session.backend.unlock(lock.id);
    } finally {
      stop.dispose();
    }
  }
}

async function approve(flags: RefreshOnlyFlags, out: Output): Promise<void> {
  if (flags.autoApprove) return;
  if (!process.stdin.isTTY) {
    throw new UserError(error('apply -refresh-only needs approval, but there is no terminal to ask on', {
      detail: 'Review the changes above, then re-run with --auto-approve.',
    }));
  }
  const ok = await askApproval({
    title: 'Would you like to update the Omnitron state to reflect these detected changes?',
    detail: 'Omnitron will write these changes to the state without modifying any real infrastructure.',
  }, out);
  if (!ok) throw new UserError(error('apply -refresh-only cancelled', { detail: 'State was not changed.' }));
  out.print('');
}

function outsideOnly(report: DriftReport): DriftReport {
  return { ...report, runtime: [], pending: [], ignored: [] };
}
