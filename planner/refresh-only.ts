/**
 * `apply -refresh-only`: accepts what changed outside omnitron into state and changes nothing live.
 * A changed object's record takes the live attributes (and id); an object deleted outside omnitron is
 * forgotten. Conditions state has no place for (a stopped container, an agent that is not running) are
 * left for `omnitron apply` to repair. Decides nothing: the drift report already did.
 */
import { configHash } from './hash.js';
import type { Json } from './expr.js';
import type { RecordStore } from './apply.js';
import type { DriftReport } from './drift-report.js';
import type { Observed } from './resource.js';

export interface RefreshOutcome {
  /** Records that now hold the live attributes. */
  updated: string[];
  /** Records of objects deleted outside omnitron, forgotten. */
  forgotten: string[];
  /** Outside changes state cannot hold; apply repairs them. */
  notRecordable: string[];
}

export async function acceptOutsideChanges(report: Pick<DriftReport, 'outside'>, observed: ReadonlyMap<string, Observed>, store: RecordStore, now = new Date()): Promise<RefreshOutcome> {
  const outcome: RefreshOutcome = { updated: [], forgotten: [], notRecordable: [] };
  for (const o of report.outside) {
    const prior = store.get(o.address);
    if (!o.recordable || !prior) { outcome.notRecordable.push(o.address); continue; }
    if (o.kind === 'deleted') {
      await store.remove(o.address);
      outcome.forgotten.push(o.address);
      continue;
    }
    const live = observed.get(o.address);
    if (!live) throw new Error(`internal: ${o.address} changed outside omnitron but was not observed; please report`);
    const attributes: Json = live.attributes;
    await store.upsert({ ...prior, ...(live.id ? { id: live.id } : {}), attributes, hash: configHash(attributes), updatedAt: now.toISOString() });
    outcome.updated.push(o.address);
  }
  return outcome;
}
