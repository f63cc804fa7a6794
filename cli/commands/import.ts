/**
 * `omnitron import ADDRESS ID`: bring an existing object under this state (Terraform's import). Takes
 * the lock, observes the stack, records the object as it is; changes nothing live.
 */
import { desiredResources, observeLive, resourceTypes } from '../../planner/engine.js';
import { importRecord } from '../../planner/import-object.js';
import { lockState, openSession, openStore, runtime, type LockFlags, type StackOptions } from '../session.js';
import type { Output } from '../output.js';

export async function importCommand(address: string, id: string, flags: StackOptions & LockFlags & { trustNewHosts?: boolean }, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  const lock = await lockState(session, 'import', flags, out);
  const signal = new AbortController().signal;
  let close = async () => {};
  try {
    const store = await openStore(session);
    const run = runtime(session, store, (e) => { if (e.type === 'warning') out.warn(`Warning: ${e.address}: ${e.message}`); }, signal, flags);
    close = () => run.clients.close();
    const prior = new Map(store.records().map((r) => [r.address, r]));
    const desired = await desiredResources(session.stack, prior, run);
    const { observed, unreadable } = await observeLive(session.stack, store, desired, prior, run);
    const record = importRecord({ address, id, desired, prior, observed, unreadable, types: resourceTypes(run.providers) });
    await store.upsert(record);
    await store.compact();
    out.print(`${address}: imported ${record.type} ${JSON.stringify(record.id ?? id)}.`);
    out.print('It is now managed by this state: `omnitron plan` shows what would change to match the config, and destroy would delete it.');
    return 0;
  } finally {
    await close().catch(() => undefined);
    await session.backend.unlock(lock.id).finally(() => session.backend.close());
  }
}
