/**
 * `omnitron state rm ADDRESS…`: omnitron forgets objects without touching them (Terraform's `state rm`),
 * e.g. a node's pinned host key after the server was reinstalled. Takes the lock; every address must be in state.
 */
import { UserError } from '../../planner/diagnostics.js';
import { lockState, openSession, openStore, type LockFlags, type StackOptions } from '../session.js';
import type { Output } from '../output.js';

export async function stateRmCommand(addresses: readonly string[], flags: StackOptions & LockFlags, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  const lock = await lockState(session, 'state rm', flags, out);
  try {
    const store = await openStore(session);
    const unknown = addresses.filter((a) => !store.get(a));
    if (unknown.length > 0) {
      throw new UserError({
        severity: 'error', summary: `not in state: ${unknown.join(', ')}`,
        detail: 'Nothing was removed. `omnitron state list` shows every address state holds.',
      });
    }
    for (const address of addresses) {
      await store.remove(address);
      out.print(`Removed ${address}`);
    }
    await store.compact();
    out.print(`Successfully removed ${addresses.length} resource instance(s).`);
    return 0;
  } finally {
    await session.backend.unlock(lock.id).finally(() => session.backend.close());
  }
}
