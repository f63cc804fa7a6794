/**
 * `omnitron state migrate --to postgres://…|file`: moves the stack's state, with its history, from where
 * it lives now (OMNITRON_STATE_URL, the config's `state`, else the file) to the target. Both are locked
 * meanwhile; the source is left as it was.
 */
import { UserError, error } from '../../planner/diagnostics.js';
import { migrateState } from '../../planner/state/migrate.js';
import { openBackend } from '../../planner/state/open-backend.js';
import { parseStateTarget, STATE_URL_ENV } from '../../planner/state/state-url.js';
import { acquireLock } from '../../planner/state/acquire-lock.js';
import { lockState, openSession, type LockFlags, type StackOptions } from '../session.js';
import type { Output } from '../output.js';

export interface MigrateFlags extends StackOptions, LockFlags {
  to: string;
  /** Schema at a Postgres target (default omnitron). */
  schema?: string;
}

export async function stateMigrateCommand(flags: MigrateFlags, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  const location = parseStateTarget(flags.to, flags.schema);
  const target = openBackend(location, session.stack.scope);
  const [from, to] = [session.backend.describe(), target.describe()];
  if (from === to) throw new UserError(error(`the state of stack "${session.stack.scope.stack}" already lives at ${to}`, { detail: 'Nothing to migrate.' }));
  const sourceLock = await lockState(session, 'state migrate', flags, out);
  try {
    const targetLock = await acquireLock(target, { operation: 'state migrate' }, { waitMs: flags.lockWait ?? 0 });
    try {
      const result = await migrateState(session.backend, target);
      out.print(result.written === 0
        ? `${to} already holds serial ${result.serial} of this state (lineage ${result.lineage}): nothing to migrate.`
        : `Migrated the state of stack "${session.stack.scope.stack}" (serial ${result.serial}, lineage ${result.lineage}, ${result.written} version${result.written === 1 ? '' : 's'}) from ${from} to ${to}.`);
      out.print(nextSteps(location.backend, from));
      return 0;
    } finally {
      await target.unlock(targetLock.id);
    }
  } finally {
    await session.backend.unlock(sourceLock.id).finally(async () => { await session.backend.close(); await target.close(); });
  }
}

function nextSteps(target: 'file' | 'postgres', source: string): string {
  const use = target === 'postgres'
    ? `Point everyone at it: state: { backend: 'postgres', url: … } in omnitron.config.ts, or ${STATE_URL_ENV}.`
    : `Use it: remove ${STATE_URL_ENV} and the config's postgres state block.`;
  return `${use}\nThe state at ${source} was left as it was: once nobody uses it, remove it so two copies cannot drift apart.`;
}
