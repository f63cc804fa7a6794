/**
 * A config that selects no apps (an empty `apps`, a stack's `apps: []`, every app disabled) over a
 * stack whose state holds resources would plan to delete what the apps had: their databases, DB
 * indexes, releases and env files. That is more often a mistake (a bad merge, an env-driven list
 * left empty) than a wish, so plan and apply refuse it unless asked with --allow-empty; `destroy`
 * is the way to remove a whole stack.
 */
import { error, type Diagnostic } from './diagnostics.js';
import type { StackModel } from './config/model.js';
import type { DesiredResource, StateRecord } from './resource.js';

const SHOWN = 3;

export function checkEmptyApps(model: StackModel, desired: readonly DesiredResource[], prior: ReadonlyMap<string, StateRecord>): Diagnostic | undefined {
  if (model.apps.length > 0) return undefined;
  const wanted = new Set(desired.map((d) => d.address));
  const doomed = [...prior.keys()].filter((a) => !wanted.has(a)).sort();
  if (doomed.length === 0) return undefined;
  const shown = doomed.slice(0, SHOWN).join(', ') + (doomed.length > SHOWN ? `, and ${doomed.length - SHOWN} more` : '');
  return error(`stack "${model.stack.name}" runs no apps, so this plan would delete ${doomed.length} resource${doomed.length === 1 ? '' : 's'} in state (${shown})`, {
    detail: 'check the apps list (apps, stacks.<stack>.apps, enabled); if the stack should run no apps, plan or apply again with --allow-empty, or run `omnitron destroy` to remove the stack',
    file: model.file,
  });
}
