/**
 * Saved plans (`plan -out FILE`, `apply FILE`). The file is the whole Plan, sealed with the state key:
 * it carries what apply needs (including observed values that may be secret), so it is never plain.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { UNKNOWN } from './expr.js';
import { UserError } from './diagnostics.js';
import { openBytes, sealBytes, type StateKey } from './state/encryption.js';
import { PLAN_FORMAT_VERSION, type Plan, type PlanBinding } from './change.js';
import { OMNITRON_VERSION } from '../contract/version.js';

const MARK = '$unknown';

export async function savePlan(plan: Plan, file: string, key: StateKey): Promise<void> {
  // Each type's planned steps are its own private shape: only the omnitron that planned them applies them.
  const json = JSON.stringify({ ...plan, omnitronVersion: OMNITRON_VERSION }, (_k, v: unknown) => (v === UNKNOWN ? { [MARK]: true } : v));
  await writeFile(file, await sealBytes(new TextEncoder().encode(json), key), { mode: 0o600 });
}

export async function loadPlan(file: string, key: StateKey): Promise<Plan> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    throw new UserError({ severity: 'error', summary: `cannot read saved plan ${file}`, detail: 'Check the path; make one with `omnitron plan -out FILE`.' });
  }
  const json = new TextDecoder().decode(await openBytes(bytes, key, `saved plan ${file}`));
  const { omnitronVersion, ...plan } = JSON.parse(json, (_k, v: unknown) => (isUnknownMark(v) ? UNKNOWN : v)) as Plan & { omnitronVersion?: string };
  if (plan.formatVersion !== PLAN_FORMAT_VERSION) throw new UserError({ severity: 'error', summary: `${file} is not a plan this version of omnitron can apply` });
  if (omnitronVersion !== OMNITRON_VERSION) {
    throw new UserError({
      severity: 'error',
      summary: `saved plan ${file} was made by omnitron ${omnitronVersion ?? '(unknown)'}, and this is omnitron ${OMNITRON_VERSION}`,
      detail: 'Nothing was changed. Make a fresh plan with this omnitron (`omnitron plan -out FILE`), review it, and apply that.',
    });
  }
  return plan;
}

function isUnknownMark(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)[MARK] === true && Object.keys(v).length === 1;
}

/** Refuses a plan made against other state or another config: it would not do what was reviewed. */
export function checkNotStale(file: string, saved: PlanBinding, current: PlanBinding): void {
  const why: string[] = [];
  if (saved.stateLineage !== current.stateLineage) why.push('the state was replaced by another one (lineage differs)');
  else if (saved.stateSerial !== current.stateSerial) why.push(`the state changed since the plan was made (serial ${saved.stateSerial} → ${current.stateSerial})`);
  if (saved.configDigest !== current.configDigest) why.push('the configuration changed since the plan was made');
  if (why.length === 0) return;
  throw new UserError({
    severity: 'error',
    summary: `saved plan ${file} is stale: ${why.join('; ')}`,
    detail: 'Nothing was changed. Make a fresh plan with `omnitron plan -out FILE`, review it, and apply that.',
  });
}
