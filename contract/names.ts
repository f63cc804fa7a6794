/** Stable names derived from user names: the same input gives the same name on every machine and every run. */

/** `name` when it has no character outside the allowed set; otherwise a slug plus a short hash that keeps names unique. */
export function safeName(name: string, disallowed: RegExp): string {
  const slug = name.replace(disallowed, '-');
  return slug === name ? name : `${slug}-${shortHash(name).slice(0, 6)}`;
}

/** A short, stable, non-cryptographic hash for names (not for anything secret). */
export function shortHash(text: string): string {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return h.toString(16);
}
