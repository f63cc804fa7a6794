/**
 * Characters that make a name look right and be wrong: a Cyrillic "а" in "аuth", a zero-width space,
 * a newline. Messages name them by code point, since quoting them shows nothing amiss; `foldLookAlikes`
 * maps the usual look-alikes to the ASCII letter they imitate, so "did you mean" finds the real name.
 */

/** Cyrillic and Greek letters drawn like ASCII ones (the common part of Unicode's confusables list). */
const LOOK_ALIKES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', һ: 'h', ԛ: 'q', ԝ: 'w',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', І: 'I', Ј: 'J', Ѕ: 'S',
  α: 'a', ο: 'o', ν: 'v', ι: 'i', κ: 'k', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
};

/** The ASCII character `ch` imitates (accents dropped, full-width forms narrowed), or undefined. */
function asciiFor(ch: string): string | undefined {
  if (LOOK_ALIKES[ch]) return LOOK_ALIKES[ch];
  const plain = ch.normalize('NFKD').replace(/\p{M}/gu, '');
  return /^[\x21-\x7e]$/.test(plain) ? plain : undefined;
}

/** `name` with every look-alike replaced by its ASCII twin and invisible characters removed. */
export function foldLookAlikes(name: string): string {
  return [...name].map((ch) => (ch <= '\x7f' ? ch : asciiFor(ch) ?? (/[\p{Cf}\p{Zs}]/u.test(ch) ? '' : ch))).join('');
}

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

function script(ch: string): string | undefined {
  for (const s of ['Cyrillic', 'Greek', 'Latin', 'Armenian', 'Cherokee']) if (new RegExp(`\\p{Script=${s}}`, 'u').test(ch)) return s;
  return undefined;
}

/** What is wrong with one character, e.g. `"а" is U+0430, a Cyrillic letter that looks like "a"`. */
export function describeChar(ch: string): string {
  if (/\p{Cc}/u.test(ch)) return `${codePoint(ch)} is a control character`;
  if (/[\p{Cf}\p{Zs}\p{Zl}\p{Zp}]/u.test(ch)) return `${codePoint(ch)} is ${/\p{Cf}/u.test(ch) ? 'invisible' : 'a non-ASCII space'}`;
  const ascii = asciiFor(ch);
  const kind = script(ch);
  if (ascii) return `"${ch}" is ${codePoint(ch)}, ${kind ? `a ${kind} letter` : 'a character'} that looks like "${ascii}"`;
  return `"${ch}" is ${codePoint(ch)}, not ASCII`;
}

/** Every non-ASCII or control character of `name`, described once each (at most three); '' when there is none. */
export function oddCharacters(name: string): string {
  const odd = [...new Set([...name].filter((ch) => ch > '\x7e' || ch < '\x20'))];
  if (odd.length === 0) return '';
  const shown = odd.slice(0, 3).map(describeChar);
  return odd.length > 3 ? `${shown.join('; ')}; and ${odd.length - 3} more` : shown.join('; ');
}
