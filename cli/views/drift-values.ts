/**
 * What the drift views share: one line per attribute change, in every format. Secrets show only as
 * changed (the report holds no secret values anyway), multi-line text as a line count, long values cut.
 */
import type { AttributeDrift, DriftReport } from '../../planner/drift-report.js';
import type { RuntimeIssue } from '../../planner/resource.js';
import { KNOWN_AFTER_APPLY, formatValue } from './values.js';

export const SENSITIVE_CHANGED = '(sensitive, changed)';
const MAX_VALUE = 80;

/** `"a" -> "b"`, `(sensitive, changed)`, `(added) "b"`, `(text: 3 lines -> 4 lines)`. */
export function describeAttribute(a: AttributeDrift, arrow = '->'): string {
  if (a.sensitive) return SENSITIVE_CHANGED;
  const after = a.afterUnknown ? KNOWN_AFTER_APPLY : a.after;
  if (typeof a.before === 'string' && a.before.includes('\n') || typeof after === 'string' && after !== KNOWN_AFTER_APPLY && after.includes('\n')) {
    return `(text: ${lines(a.before)} ${arrow} ${lines(a.afterUnknown ? undefined : a.after)})`;
  }
  if (a.before === undefined) return `(added) ${show(after)}`;
  if (after === undefined) return `${show(a.before)} (removed)`;
  return `${show(a.before)} ${arrow} ${show(after)}`;
}

function show(v: AttributeDrift['before'] | typeof KNOWN_AFTER_APPLY): string {
  if (v === KNOWN_AFTER_APPLY) return v;
  const text = formatValue(v);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

function lines(v: unknown): string {
  if (typeof v !== 'string') return v === undefined ? 'none' : '1 line';
  const n = v.endsWith('\n') ? v.split('\n').length - 1 : v.split('\n').length;
  return `${n} ${n === 1 ? 'line' : 'lines'}`;
}

export function describeIssue(i: RuntimeIssue): string {
  const parts = [i.state, `${i.restarts} restart${i.restarts === 1 ? '' : 's'}`];
  if (i.lastExit) parts.push(`last exit: ${i.lastExit}`);
  if (i.detail) parts.push(i.detail);
  return parts.join(', ');
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** `2 objects changed outside omnitron, 1 config change not yet applied`: the non-zero counts. */
export function summaryCounts(report: Pick<DriftReport, 'outside' | 'runtime' | 'pending'>): string {
  return [
    [report.outside.length, 'object changed outside omnitron', 'objects changed outside omnitron'] as const,
    [report.runtime.length, 'app not running as configured', 'apps not running as configured'] as const,
    [report.pending.length, 'config change not yet applied', 'config changes not yet applied'] as const,
  ].filter(([n]) => n > 0).map(([n, one, many]) => plural(n, one, many)).join(', ') || 'nothing';
}

export function ignoredNote(report: Pick<DriftReport, 'ignored'>): string | undefined {
  if (report.ignored.length === 0) return undefined;
  return `Ignored (--ignore): ${report.ignored.map((i) => `${i.address} (${plural(i.findings, 'finding', 'findings')})`).join(', ')}.`;
}
