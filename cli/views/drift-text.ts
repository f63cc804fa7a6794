/**
 * The drift report for a terminal or a CI log, and the `plan -refresh-only` view (Terraform's wording):
 * changed outside omnitron, runtime drift and config changes not yet applied, each in its own section.
 */
import type { DriftReport, OutsideChange, PendingChange } from '../../planner/drift-report.js';
import { painter, type Painter } from './ansi.js';
import { describeAttribute, describeIssue, ignoredNote, summaryCounts } from './drift-values.js';

export interface DriftTextOptions { color: boolean }

export function renderDriftText(report: DriftReport, opts: DriftTextOptions): string {
  const paint = painter(opts.color);
  const clean = report.outside.length + report.runtime.length + report.pending.length === 0;
  return joinSections([
    [`Drift report for project "${report.project}", stack "${report.stack}".`],
    outsideSection(report, paint),
    runtimeSection(report),
    pendingSection(report, paint),
    unreadableSection(report),
    optional(ignoredNote(report)),
    clean
      ? [`${paint('bold', 'No drift.')} The real infrastructure matches the state, and the state matches the configuration.`]
      : [`${paint('bold', 'Drift:')} ${summaryCounts(report)}.`],
  ]);
}

/** `plan -refresh-only`: only what changed outside omnitron, and what applying this plan would record. */
export function renderRefreshOnlyText(report: DriftReport, opts: DriftTextOptions): string {
  const paint = painter(opts.color);
  if (report.outside.length === 0) {
    return joinSections([
      ['No changes. Your infrastructure still matches the configuration.', '', 'Omnitron has checked that the real remote objects still match the result of your most recent changes, and found no differences.'],
      unreadableSection(report),
    ]);
  }
  const recordable = report.outside.filter((o) => o.recordable);
  const fixed = report.outside.filter((o) => !o.recordable);
  return joinSections([
    ['Note: Objects have changed outside of Omnitron', '', 'Omnitron detected the following changes made outside of Omnitron since the last "omnitron apply" (state -> live):'],
    ...report.outside.map((o) => outsideLines(o, paint)),
    unreadableSection(report),
    recordable.length > 0
      ? ['This is a refresh-only plan, so Omnitron will not take any actions to undo these. If you were expecting these changes then you can apply this plan to record the updated values in the Omnitron state without changing any remote objects: `omnitron apply -refresh-only`.']
      : [],
    fixed.length > 0
      ? [`State has no place for ${fixed.length === 1 ? 'this condition' : 'these conditions'} (${fixed.map((o) => o.address).join(', ')}), so a refresh-only apply cannot record ${fixed.length === 1 ? 'it' : 'them'}; \`omnitron apply\` repairs ${fixed.length === 1 ? 'it' : 'them'}.`]
      : [],
    [`${paint('bold', 'Refresh-only plan:')} ${recordable.length} to record in state, ${fixed.length} not recordable.`],
  ]);
}

function joinSections(sections: string[][]): string {
  return `${sections.filter((s) => s.length > 0).map((s) => s.join('\n')).join('\n\n')}\n`;
}

function optional(line: string | undefined): string[] {
  return line === undefined ? [] : [line];
}

function outsideSection(report: DriftReport, paint: Painter): string[] {
  if (report.outside.length === 0) return [];
  return ['Changed outside omnitron (state -> live):', ...report.outside.flatMap((o) => outsideLines(o, paint))];
}

function outsideLines(o: OutsideChange, paint: Painter): string[] {
  return [`  # ${paint('bold', o.address)}: ${o.summary}`, ...attributeLines(o, paint)];
}

function runtimeSection(report: DriftReport): string[] {
  if (report.runtime.length === 0) return [];
  return [
    'Apps not running as configured (runtime drift):',
    ...report.runtime.map((i) => `  # ${i.app} on ${i.target}: ${describeIssue(i)}`),
  ];
}

function pendingSection(report: DriftReport, paint: Painter): string[] {
  if (report.pending.length === 0) return [];
  return ['Config changes not yet applied (state -> config):', ...report.pending.flatMap((p) => pendingLines(p, paint))];
}

const PENDING_VERB: Record<PendingChange['kind'], string> = { create: 'to create', update: 'to update', delete: 'to destroy' };

function pendingLines(p: PendingChange, paint: Painter): string[] {
  return [`  # ${paint('bold', p.address)} ${PENDING_VERB[p.kind]}: ${p.summary}`, ...attributeLines(p, paint)];
}

function attributeLines(r: OutsideChange | PendingChange, paint: Painter): string[] {
  const width = Math.max(0, ...r.attributes.map((a) => a.path.length));
  return r.attributes.map((a) => `      ${paint('yellow', '~')} ${a.path.padEnd(width)} = ${describeAttribute(a)}`);
}

function unreadableSection(report: DriftReport): string[] {
  if (report.unreadable.length === 0) return [];
  return ['Not checked (could not be read; state is trusted for them):', ...report.unreadable.map((u) => `  # ${u.address}: ${u.why}`)];
}
