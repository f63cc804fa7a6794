/**
 * `omnitron drift`: a read-only report for CI. Takes no lock, writes no state, creates no key file and
 * never accepts a new SSH host key: a node seen for the first time is refused, as in `status`.
 * Exit 0 nothing, 2 changed outside omnitron or runtime drift, 3 only config changes not yet applied.
 */
import { observeStack } from '../../planner/engine.js';
import { makePlan, type PlanRequest } from '../../planner/plan.js';
import { classifyDrift, driftExitCode, ignoreAddresses, runtimeAddress, type DriftReport } from '../../planner/drift-report.js';
import { closestMatch } from '../../planner/config/did-you-mean.js';
import { UserError } from '../../planner/diagnostics.js';
import { OMNITRON_VERSION } from '../../contract/version.js';
import { renderDriftText } from '../views/drift-text.js';
import { renderDriftMarkdown } from '../views/drift-markdown.js';
import { renderDriftJson } from '../views/drift-json.js';
import { openSession, openStore, runtime, type Session, type StackOptions } from '../session.js';
import type { StateStore } from '../../planner/state/state-store.js';
import type { Output } from '../output.js';

/** `--format` (commander checks the choice in cli/program.ts, which loads no command module up front). */
export type DriftFormat = 'text' | 'json' | 'markdown';

export interface DriftFlags extends Omit<StackOptions, 'trustNewHosts'> {
  format?: DriftFormat;
  ignore?: string[];
}

export async function driftCommand(flags: DriftFlags, out: Output): Promise<number> {
  const session = await openSession(flags, out, { createKey: false });
  const { request, report } = await readDrift(session, await openStore(session));
  const shown = ignoreAddresses(report, checkedIgnores(flags.ignore ?? [], session, request));
  out.print(renderDrift(shown, flags.format ?? 'text', out.color));
  return driftExitCode(shown);
}

/** The request, the plan and the report from one observation; never trusts a new host key. */
export async function readDrift(session: Session, store: StateStore): Promise<{ request: PlanRequest; report: DriftReport }> {
  const run = runtime(session, store, () => {}, new AbortController().signal, { trustNewHosts: false });
  // allowEmpty: a config that runs no apps is drift to report (config changes not yet applied), not a plan to refuse.
  const request = await observeStack(session.stack, store, run, { mode: 'normal', keepVolumes: true, allowEmpty: true }).finally(() => run.clients.close());
  const nodes = session.stack.model.stack.nodes.map((n) => n.name);
  return { request, report: classifyDrift(request, makePlan(request), { nodes }) };
}

export function renderDrift(report: DriftReport, format: DriftFormat, color: boolean): string {
  if (format === 'json') return renderDriftJson(report, { version: OMNITRON_VERSION });
  if (format === 'markdown') return renderDriftMarkdown(report);
  return renderDriftText(report, { color });
}

/** Every --ignore must name something of this stack: a typo would otherwise hide nothing, silently. */
function checkedIgnores(addresses: readonly string[], session: Session, request: PlanRequest): string[] {
  if (addresses.length === 0) return [];
  const known = new Set([
    ...request.desired.map((d) => d.address), ...request.prior.keys(), ...request.observed.keys(),
    ...session.stack.model.apps.map((a) => runtimeAddress({ app: a.name })),
  ]);
  const bad = addresses.filter((a) => !known.has(a));
  if (bad.length === 0) return [...new Set(addresses)];
  throw new UserError(bad.map((a) => {
    const guess = closestMatch(a, [...known]);
    return {
      severity: 'error' as const,
      summary: `--ignore ${a}: no such resource or app in stack "${session.stack.scope.stack}"${guess ? ` (did you mean "${guess}"?)` : ''}`,
      detail: 'Pass a resource address (see `omnitron state list`) or app.NAME for an app\'s runtime drift.',
    };
  }));
}
