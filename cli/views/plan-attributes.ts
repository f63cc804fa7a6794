/**
 * The attribute lines inside a resource block of the human plan, Terraform style:
 * `+ name = "x"`, `~ image = "a" -> "b" # forces replacement`, `(known after apply)`, `(sensitive value)`,
 * multi-line strings as a unified diff, and `# (N unchanged attributes hidden)`.
 */
import type { AttributeDiff } from '../../planner/attribute-diff.js';
import type { Change } from '../../planner/change.js';
import type { Painter, Style } from './ansi.js';
import { unifiedDiff } from './text-diff.js';
import { SENSITIVE_VALUE, formatValue, isMultiline, isUnknown } from './values.js';

type Glyph = '+' | '~' | '-';

const SYMBOL_STYLE: Record<Glyph, Style> = { '+': 'green', '~': 'yellow', '-': 'red' };
const ATTR_INDENT = '      ';
const NOTE_INDENT = '        ';
const BODY_INDENT = '          ';

export function renderAttributes(change: Change, paint: Painter): string[] {
  const width = Math.max(0, ...change.diffs.map((d) => d.path.length));
  const out = change.diffs.flatMap((d) => renderDiff(change, d, width, paint));
  if (change.unchanged > 0) {
    const noun = change.unchanged === 1 ? 'attribute' : 'attributes';
    out.push(paint('dim', `${NOTE_INDENT}# (${change.unchanged} unchanged ${noun} hidden)`));
  }
  return out;
}

function renderDiff(change: Change, d: AttributeDiff, width: number, paint: Painter): string[] {
  const sym = symbolFor(change, d);
  const notes = [];
  if (d.sensitive && sym === '~') notes.push('changed');
  if (d.forcesReplacement || (change.action === 'replace' && change.forcedBy.includes(d.path))) notes.push(paint('red', 'forces replacement'));
  const suffix = notes.length > 0 ? ` # ${notes.join(', ')}` : '';
  const text = textOf(d);
  const diff = text ? unifiedDiff(text.before, text.after) : [];
  const head = `${ATTR_INDENT}${paint(SYMBOL_STYLE[sym], sym)} ${d.path.padEnd(width)} = ${text ? textHeader(diff, sym) : valueText(d, sym)}${suffix}`;
  return [head, ...diff.map((line, i) => BODY_INDENT + paintDiffLine(line, i, paint))];
}

function symbolFor(change: Change, d: AttributeDiff): Glyph {
  if (change.action === 'create') return '+';
  if (change.action === 'delete') return '-';
  if (d.before === undefined && d.after !== undefined) return '+';
  if (d.after === undefined && d.before !== undefined) return '-';
  return '~';
}

function valueText(d: AttributeDiff, sym: Glyph): string {
  if (d.sensitive) return SENSITIVE_VALUE;
  if (sym === '+') return formatValue(d.after);
  if (sym === '-') return formatValue(d.before);
  return `${formatValue(d.before)} -> ${formatValue(d.after)}`;
}

/** Both sides are plain strings (or absent) and one has several lines: show a unified diff. */
function textOf(d: AttributeDiff): { before: string; after: string } | undefined {
  if (d.sensitive || isUnknown(d.before) || isUnknown(d.after)) return undefined;
  const stringish = (v: unknown) => v === undefined || typeof v === 'string';
  if (!stringish(d.before) || !stringish(d.after)) return undefined;
  if (!isMultiline(d.before) && !isMultiline(d.after)) return undefined;
  return { before: (d.before as string | undefined) ?? '', after: (d.after as string | undefined) ?? '' };
}

function textHeader(diff: string[], sym: Glyph): string {
  const body = diff.slice(2).filter((line) => !line.startsWith('@@'));
  const removed = body.filter((line) => line.startsWith('-')).length;
  const added = body.filter((line) => line.startsWith('+')).length;
  const lines = (n: number) => `${n} ${n === 1 ? 'line' : 'lines'}`;
  if (sym === '+') return `(text: ${lines(added)})`;
  if (sym === '-') return `(text: ${lines(removed)})`;
  return `(text: -${removed} +${lines(added)})`;
}

function paintDiffLine(line: string, index: number, paint: Painter): string {
  if (index < 2) return paint('bold', line);
  if (line.startsWith('@@')) return paint('cyan', line);
  if (line.startsWith('-')) return paint('red', line);
  if (line.startsWith('+')) return paint('green', line);
  return line;
}
