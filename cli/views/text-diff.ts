/**
 * A small unified line diff (LCS) for multi-line attribute values: config files, unit files.
 * Inputs are tiny compared with what would make quadratic LCS hurt; very large ones fall back to
 * "all removed, all added" rather than stall a plan.
 */
type Op = { kind: ' ' | '-' | '+'; key: string };

const NO_EOL = '\u0000';
const MAX_CELLS = 4_000_000;

export function unifiedDiff(before: string, after: string, context = 3): string[] {
  const ops = editScript(lines(before), lines(after));
  const out = ['--- before', '+++ after'];
  for (const [from, to] of hunkRanges(ops, context)) out.push(...renderHunk(ops, from, to));
  return out;
}

/** Lines as comparison keys; a last line without a newline carries a marker so that difference shows. */
function lines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  else parts[parts.length - 1] += NO_EOL;
  return parts;
}

function editScript(a: string[], b: string[]): Op[] {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  const same = (keys: string[]): Op[] => keys.map((key) => ({ kind: ' ', key }));
  return [
    ...same(a.slice(0, p)),
    ...middle(a.slice(p, a.length - s), b.slice(p, b.length - s)),
    ...same(a.slice(a.length - s)),
  ];
}

function middle(a: string[], b: string[]): Op[] {
  const del = a.map((key): Op => ({ kind: '-', key }));
  const add = b.map((key): Op => ({ kind: '+', key }));
  if (a.length === 0 || b.length === 0 || a.length * b.length > MAX_CELLS) return [...del, ...add];
  const w = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) { ops.push({ kind: ' ', key: a[i] }); i++; j++; }
    else if (j >= b.length || (i < a.length && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) ops.push(del[i++]);
    else ops.push(add[j++]);
  }
  return ops;
}

/** [from, to) op index ranges of hunks: each change plus `context` lines around it, merged when close. */
function hunkRanges(ops: Op[], context: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  ops.forEach((op, idx) => {
    if (op.kind === ' ') return;
    const from = Math.max(0, idx - context);
    const to = Math.min(ops.length, idx + context + 1);
    const last = ranges[ranges.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else ranges.push([from, to]);
  });
  return ranges;
}

function renderHunk(ops: Op[], from: number, to: number): string[] {
  const before = ops.slice(0, from);
  const oldStart = before.filter((o) => o.kind !== '+').length;
  const newStart = before.filter((o) => o.kind !== '-').length;
  const body = ops.slice(from, to);
  const oldCount = body.filter((o) => o.kind !== '+').length;
  const newCount = body.filter((o) => o.kind !== '-').length;
  const out = [`@@ -${span(oldStart, oldCount)} +${span(newStart, newCount)} @@`];
  for (const op of body) {
    const eol = op.key.endsWith(NO_EOL);
    out.push(`${op.kind}${eol ? op.key.slice(0, -1) : op.key}`);
    if (eol) out.push('\\ No newline at end of file');
  }
  return out;
}

function span(start: number, count: number): string {
  if (count === 0) return `${start},0`;
  return count === 1 ? `${start + 1}` : `${start + 1},${count}`;
}
