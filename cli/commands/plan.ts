import { planStack } from '../../planner/engine.js';
import { differsFromConfig, hasChanges } from '../../planner/change.js';
import { savePlan } from '../../planner/plan-file.js';
import { renderPlanForPeople } from '../plan-display.js';
import { renderPlanJson } from '../views/plan-json.js';
import { OMNITRON_VERSION } from '../../contract/version.js';
import { openSession, openStore, runtime, type StackOptions } from '../session.js';
import { planRefreshOnly, refuseWithRefreshOnly } from './refresh-only.js';
import type { Output } from '../output.js';
import { timed } from '../../planner/timing.js';

export interface PlanFlags extends StackOptions {
  detailedExitcode?: boolean;
  json?: boolean;
  out?: string;
  target?: string[];
  replace?: string[];
  destroy?: boolean;
  allowEmpty?: boolean;
  refreshOnly?: boolean;
}

/** Exit code: 0 no changes (or no --detailed-exitcode), 2 changes or runtime drift present (--refresh-only: changes outside omnitron); errors throw (→ 1). */
export async function planCommand(flags: PlanFlags, out: Output): Promise<number> {
  if (flags.refreshOnly) {
    refuseWithRefreshOnly('plan', { '--out': flags.out, '--target': flags.target, '--replace': flags.replace, '--destroy': flags.destroy, '--allow-empty': flags.allowEmpty, '--trust-new-hosts': flags.trustNewHosts });
    return planRefreshOnly(flags, out);
  }
  const session = await timed('load the config', () => openSession(flags, out));
  const store = await timed('read and decrypt state', () => openStore(session));
  const run = runtime(session, store, () => {}, new AbortController().signal, flags);
  const plan = await timed('plan', () => planStack(session.stack, store, run, {
    mode: flags.destroy ? 'destroy' : 'normal', targets: flags.target, replace: flags.replace, keepVolumes: true, allowEmpty: flags.allowEmpty,
  })).finally(() => timed('close connections', () => run.clients.close()));
  const place = { nodes: session.stack.model.stack.nodes.map((n) => n.name), providers: run.providers };
  out.print(flags.json ? renderPlanJson(plan, { version: OMNITRON_VERSION }) : await renderPlanForPeople(plan, place, out));
  if (flags.out) {
    await savePlan(plan, flags.out, session.key);
    if (!flags.json) out.print(`\nSaved the plan to: ${flags.out}\n\nTo perform exactly these actions, run:\n    omnitron apply ${flags.out}`);
  } else if (!flags.json && hasChanges(plan)) {
    out.print(`\nNote: You didn't use the -out option to save this plan, so omnitron can't guarantee to take exactly these actions if you run "omnitron apply" now.`);
  }
  return flags.detailedExitcode && differsFromConfig(plan) ? 2 : 0;
}
