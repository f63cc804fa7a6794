/**
 * The drift report as GitHub-flavoured Markdown, for `$GITHUB_STEP_SUMMARY` or a PR/issue comment:
 * a heading, the counts, and one table per node (target) with every finding on it. Secrets only as changed.
 */
import type { AttributeDrift, DriftReport, OutsideChange, PendingChange } from '../../planner/drift-report.js';
import type { RuntimeIssue } from '../../planner/resource.js';
import { describeAttribute, describeIssue, ignoredNote, summaryCounts } from './drift-values.js';

interface Row { target: string; drift: string; subject: string; attribute: string; change: string }

export function renderDriftMarkdown(report: DriftReport): string {
  const rows = [
    ...report.outside.flatMap((o) => resourceRows(o, 'changed outside omnitron')),
    ...report.runtime.map(runtimeRow),
    ...report.pending.flatMap((p) => resourceRows(p, 'config not yet applied')),
  ];
  const out = [`## omnitron drift: ${code(report.project)} / ${code(report.stack)}`, ''];
  if (rows.length === 0) {
    out.push('**No drift.** The real infrastructure matches the state, and the state matches the configuration.');
  } else {
    out.push(`**Drift:** ${summaryCounts(report)}.`);
    const legend = valuesLegend(report);
    if (legend) out.push('', legend);
    for (const target of [...new Set(rows.map((r) => r.target))]) out.push('', ...table(target, rows.filter((r) => r.target === target)));
  }
  if (report.unreadable.length > 0) {
    out.push('', `Not checked (could not be read; state is trusted for them): ${report.unreadable.map((u) => `${code(u.address)} (${cell(u.why)})`).join(', ')}.`);
  }
  const ignored = ignoredNote(report);
  if (ignored) out.push('', cell(ignored));
  return `${out.join('\n')}\n`;
}

function valuesLegend(report: DriftReport): string | undefined {
  if (report.outside.length > 0 && report.pending.length > 0) return 'Values read state → live for changes outside omnitron, state → config for changes not yet applied.';
  if (report.outside.length > 0) return 'Values read state → live.';
  if (report.pending.length > 0) return 'Values read state → config.';
  return undefined;
}

function table(target: string, rows: Row[]): string[] {
  return [
    `### ${cell(target)}`,
    '',
    '| drift | resource | attribute | change |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.drift} | ${r.subject} | ${r.attribute} | ${r.change} |`),
  ];
}

function resourceRows(r: OutsideChange | PendingChange, drift: string): Row[] {
  const base = { target: r.target, drift: `${drift}${pendingVerb(r)}`, subject: code(r.address) };
  if (r.attributes.length === 0) return [{ ...base, attribute: '', change: cell(r.summary) }];
  return r.attributes.map((a: AttributeDrift) => ({ ...base, attribute: code(a.path), change: code(describeAttribute(a, '→')) }));
}

function pendingVerb(r: OutsideChange | PendingChange): string {
  if (r.kind === 'create') return ' (create)';
  if (r.kind === 'delete') return ' (destroy)';
  if (r.kind === 'deleted') return ' (deleted)';
  return '';
}

function runtimeRow(i: RuntimeIssue): Row {
  return { target: i.target, drift: 'app not running as configured', subject: `app ${code(i.app)}`, attribute: '', change: cell(describeIssue(i)) };
}

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** An inline code span that survives backticks and pipes inside a table. */
function code(text: string): string {
  const body = cell(text);
  const fence = body.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ' ' : ''}${body}${fence === '``' ? ' ' : ''}${fence}`;
}
