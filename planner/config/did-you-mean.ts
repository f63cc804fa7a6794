/** Typo suggestions for names (apps, services, stacks, keys), by optimal string alignment distance. */
import { foldLookAlikes, oddCharacters } from './look-alikes.js';

export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The closest candidate within a typo's reach, or undefined. Case-insensitive, and look-alike letters
 * (a Cyrillic "а") count as the ASCII ones they imitate; ties keep candidate order.
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3));
  const folded = foldLookAlikes(name).toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(folded, candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/**
 * ` (did you mean "x"?)` or the empty string, for appending to a summary; a name with non-ASCII or
 * control characters also gets them named by code point: ` (did you mean "auth"? "а" is U+0430, ...)`.
 */
export function suggestion(name: string, candidates: Iterable<string>): string {
  const match = didYouMean(name, candidates);
  const odd = oddCharacters(name);
  const parts = [match ? `did you mean "${match}"?` : '', odd].filter(Boolean);
  return parts.length ? ` (${parts.join(' ')})` : '';
}

/** `"a", "b" and "c"` (or `or`); `(none)` for an empty list. */
export function quotedList(names: readonly string[], joiner: 'and' | 'or' = 'and'): string {
  return names.length === 0 ? '(none)' : listOf(names.map((n) => `"${n}"`), joiner);
}

/** `a, b and c` (or `or`). */
export function listOf(items: readonly string[], joiner: 'and' | 'or' = 'and'): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${joiner} ${items[items.length - 1]}`;
}

/** Same as didYouMean (the name planner/engine.ts uses). */
export const closestMatch = didYouMean;
