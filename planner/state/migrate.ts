/**
 * Moving one stack's state between backends (`omnitron state migrate`): every whole version in the
 * source's history, oldest first, then the current state, all still sealed (no key is needed). A target
 * that holds the stack under another lineage, or a newer serial of it, is refused; one that holds an
 * older serial of the same lineage (a round trip) receives only what it lacks.
 */
import { UserError, error } from '../diagnostics.js';
import type { StateBackend } from './backend.js';
import { serializeState } from './document.js';
import { readDocument } from './state-store.js';

export interface MigrateResult {
  lineage: string;
  serial: number;
  /** Whole versions written to the target, the current one included; 0 when it was up to date. */
  written: number;
}

export async function migrateState(source: StateBackend, target: StateBackend): Promise<MigrateResult> {
  const from = await readDocument(source);
  if (from === null) throw new UserError(error('there is no state to migrate', { file: source.describe() }));
  const { lineage, serial } = from.doc;
  const there = await readDocument(target);
  if (there && there.doc.lineage !== lineage) {
    throw new UserError(error(`${target.describe()} already holds stack "${there.doc.stack}" with another lineage (${there.doc.lineage}, not ${lineage})`, {
      detail: 'It is another state of the same name: nothing was written. Migrate to an empty place, or remove that state first if it is not needed.',
    }));
  }
  if (there && there.doc.serial > serial) {
    throw new UserError(error(`${target.describe()} holds a newer version of this state (serial ${there.doc.serial}, source has ${serial})`, {
      detail: 'Nothing was written. Migrate the other way, or use that state.',
    }));
  }
  if (there && there.doc.serial === serial) return { lineage, serial, written: 0 };
  let previous = there?.doc.serial ?? 0;
  let written = 0;
  for (const version of await source.history()) {
    if (version.lineage !== lineage || version.serial <= previous || version.serial >= serial) continue;
    const bytes = await source.readVersion(version.serial);
    if (bytes === null) continue;
    await target.put(bytes, { lineage, serial: version.serial, previous, writtenAt: version.writtenAt });
    previous = version.serial;
    written++;
  }
  await target.put(serializeState(from.doc), { lineage, serial, previous, writtenAt: from.doc.updatedAt });
  return { lineage, serial, written: written + 1 };
}
