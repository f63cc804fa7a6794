/**
 * The human plan, following Terraform's layout so operators and PR-comment tools read it unchanged:
 * symbol legend, `# address will be …` comment, resource block, and the verbatim summary line. Its
 * sections are exported for the ink plan (plan-view.tsx), which groups the same changes by node and provider.
 */
import { hasChanges, summarize, type Action, type Change, type Plan } from '../../planner/change.js';
import { painter, type Painter } from './ansi.js';
import { renderAttributes } from './plan-attributes.js';

export interface PlanTextOptions { color: boolean }

export type Shown = Exclude<Action, 'noop'>;
export type Actionable = Exclude<Change, { action: 'noop' }>;

const LEGEND: Array<[Shown, string]> = [
  ['create', '+ create'],
  ['update', '~ update in-place'],
  ['delete', '- destroy'],
  ['replace', 'destroy and then create replacement'],
];

export function renderPlanText(plan: Plan, opts: PlanTextOptions): string {
  const paint = painter(opts.color);
  if (!hasChanges(plan)) return joinSections([noChanges(plan), driftSection(plan), runtimeSection(plan)]);
  const actionable = plan.changes.filter((c): c is Actionable => c.action !== 'noop');
  return joinSections([
    runtimeSection(plan),
    driftSection(plan),
    recordSection(plan),
    forgetSection(plan),
    actionable.length > 0 ? legend(actionable, paint) : [],
    actionable.length > 0 ? [intro(plan)] : [],
    ...actionable.map((c) => renderChange(c, paint)),
    rolloutSection(plan),
    [summaryLine(plan, paint)],
  ]);
}

export function summaryLine(plan: Pick<Plan, 'changes'>, paint: Painter = painter(false)): string {
  const s = summarize(plan);
  return `${paint('bold', 'Plan:')} ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.`;
}

function joinSections(sections: string[][]): string {
  return `${sections.filter((s) => s.length > 0).map((s) => s.join('\n')).join('\n\n')}\n`;
}

export function noChanges(plan: Plan): string[] {
  if (plan.mode === 'destroy') {
    return [
      'No changes. No objects need to be destroyed.',
      '',
      'Either you have not created any objects yet or the existing objects were already deleted outside of Omnitron.',
    ];
  }
  if (plan.runtimeDrift.length > 0) return ['No changes. Your infrastructure matches the configuration, but some apps are not running as it asks.'];
  return [
    'No changes. Your infrastructure matches the configuration.',
    '',
    'Omnitron has compared your real infrastructure against your configuration and found no differences, so no changes are needed.',
  ];
}

export function driftSection(plan: Plan): string[] {
  if (plan.drift.length === 0) return [];
  return ['Objects have changed outside of Omnitron:', ...plan.drift.map((d) => `  # ${d.address}: ${d.summary}`)];
}

export function runtimeSection(plan: Plan): string[] {
  if (plan.runtimeDrift.length === 0) return [];
  return [
    'Apps not running as configured (runtime drift):',
    ...plan.runtimeDrift.map((i) => `  # ${i.app} on ${i.target}: ${describeIssue(i)}`),
    '',
    'The configuration asks for these apps to run. Their logs: `omnitron logs APP`; their state: `omnitron status`.',
  ];
}

function describeIssue(i: Plan['runtimeDrift'][number]): string {
  const parts = [i.state, `${i.restarts} restart${i.restarts === 1 ? '' : 's'}`];
  if (i.lastExit) parts.push(`last exit: ${i.lastExit}`);
  if (i.detail) parts.push(i.detail);
  return parts.join(', ');
}

/** `# web: app-1, then app-2` or `# web: app-1 and app-2, then app-3 (30 s between batches)`. */
export function rolloutSection(plan: Plan): string[] {
  if (!plan.rollouts?.length) return [];
  return [
    'Rolling deploy, in this order; each node waits for the one before to be healthy, and a node whose new release is not healthy in time goes back to the release it ran and stops the rollout:',
    ...plan.rollouts.map((r) => `  # ${r.app}: ${r.batches.map((b) => b.join(' and ')).join(', then ')}${r.wait > 0 && r.batches.length > 1 ? ` (${r.wait / 1000} s between batches)` : ''}`),
  ];
}

export function recordSection(plan: Plan): string[] {
  const records = plan.changes.filter((c) => c.action === 'noop' && c.record);
  if (records.length === 0) return [];
  return ['Objects to record in state:', ...records.map((c) => `  # ${c.address} found live but missing from state; it will be recorded`)];
}

export function forgetSection(plan: Plan): string[] {
  const gone = plan.changes.filter((c) => c.action === 'noop' && c.forget);
  if (gone.length === 0) return [];
  return ['Records to forget:', ...gone.map((c) => `  # ${c.address} no longer exists; state will forget it`)];
}

function legend(changes: Actionable[], paint: Painter): string[] {
  const used = new Set(changes.map((c) => c.action));
  const lines = LEGEND.filter(([action]) => used.has(action))
    .map(([action, text]) => (action === 'replace' ? `${glyph('replace', paint)} ${text}` : `  ${glyph(action, paint)}${text.slice(1)}`));
  return ['Omnitron used the selected providers to generate the following execution plan. Resource actions are indicated with the following symbols:', ...lines];
}

export function intro(plan: Plan): string {
  if (plan.mode === 'destroy') return `Omnitron will perform the following actions to destroy stack "${plan.stack}":`;
  return 'Omnitron will perform the following actions:';
}

export function glyph(action: Shown, paint: Painter): string {
  if (action === 'create') return paint('green', '+');
  if (action === 'update') return paint('yellow', '~');
  if (action === 'delete') return paint('red', '-');
  return `${paint('red', '-')}/${paint('green', '+')}`;
}

function renderChange(change: Actionable, paint: Painter): string[] {
  const action = change.action;
  const reason = change.reason ? ` (${change.reason})` : '';
  const comment = `  # ${paint('bold', change.address)} ${verdict(change)}${reason}`;
  const lead = action === 'replace' ? glyph(action, paint) : `  ${glyph(action, paint)}`;
  const open = `${lead} resource ${JSON.stringify(change.type)} ${JSON.stringify(resourceName(change))} {`;
  const body = renderAttributes(change, paint);
  if (body.length === 0) return [comment, `${open}}`];
  return [comment, open, ...body, '    }'];
}

export function verdict(change: Actionable): string {
  switch (change.action) {
    case 'create': return 'will be created';
    case 'update': return 'will be updated in-place';
    case 'delete': return 'will be destroyed';
    case 'replace': return change.forcedBy.includes('requested') ? 'will be replaced, as requested' : 'must be replaced';
  }
}

export function resourceName(change: Pick<Change, 'address' | 'type'>): string {
  const prefix = `${change.type}.`;
  return change.address.startsWith(prefix) ? change.address.slice(prefix.length) : change.address;
}
