import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './text-diff.js';

const text = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('unifiedDiff', () => {
  it('shows one changed line with three lines of context', () => {
    const before = text('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
    const after = text('a', 'b', 'c', 'd', 'E', 'f', 'g', 'h');
    expect(unifiedDiff(before, after)).toEqual([
      '--- before', '+++ after', '@@ -2,7 +2,7 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h',
    ]);
  });

  it('splits distant changes into separate hunks and merges close ones', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `l${i + 1}`);
    const changed = lines.map((l) => (l === 'l2' || l === 'l18' ? `${l}!` : l));
    const out = unifiedDiff(text(...lines), text(...changed));
    expect(out.filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,5 +1,5 @@', '@@ -15,6 +15,6 @@']);
    const close = lines.map((l) => (l === 'l5' || l === 'l9' ? `${l}!` : l));
    expect(unifiedDiff(text(...lines), text(...close)).filter((l) => l.startsWith('@@'))).toEqual(['@@ -2,11 +2,11 @@']);
  });

  it('diffs against nothing for a new file', () => {
    expect(unifiedDiff('', text('x', 'y'))).toEqual(['--- before', '+++ after', '@@ -0,0 +1,2 @@', '+x', '+y']);
    expect(unifiedDiff(text('x'), '')).toEqual(['--- before', '+++ after', '@@ -1 +0,0 @@', '-x']);
  });

  it('finds the longest common subsequence for inserted and removed lines', () => {
    expect(unifiedDiff(text('a', 'b', 'c', 'd'), text('a', 'x', 'c', 'd', 'e'))).toEqual([
      '--- before', '+++ after', '@@ -1,4 +1,5 @@', ' a', '-b', '+x', ' c', ' d', '+e',
    ]);
  });

  it('reports a missing trailing newline', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb')).toEqual([
      '--- before', '+++ after', '@@ -1,2 +1,2 @@', ' a', '-b', '+b', '\\ No newline at end of file',
    ]);
  });

  it('has no hunks for equal text', () => {
    expect(unifiedDiff(text('a'), text('a'))).toEqual(['--- before', '+++ after']);
  });

  it('falls back to remove-all/add-all for huge inputs instead of stalling', () => {
    const big = Array.from({ length: 3000 }, (_, i) => `line ${i}`);
    const other = big.map((l, i) => (i % 2 ? `${l}*` : l)).reverse();
    // a real LCS would keep one common line; the fallback removes and adds everything
    const out = unifiedDiff(text(...big), text(...other));
    expect([out.filter((l) => l.startsWith('-')).length - 1, out.filter((l) => l.startsWith('+')).length - 1]).toEqual([3000, 3000]);
  });
});
