/** Size strings ("512m", "1G", "64mb") in binary multiples, as the docker CLI and the log rotator read them. */

const MULTIPLIER: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
const SIZE = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)b?$/i;

/** Bytes for a size string or number; undefined when it is not a size. */
export function parseBytes(size: string | number): number | undefined {
  if (typeof size === 'number') return Number.isFinite(size) && size >= 0 ? Math.round(size) : undefined;
  const m = SIZE.exec(size.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * MULTIPLIER[m[2].toLowerCase()]);
}

/** The shortest exact form: 536870912 → "512m", 1073741824 → "1g", 1000 → "1000b". */
export function formatBytes(bytes: number): string {
  for (const unit of ['t', 'g', 'm', 'k'] as const) {
    const size = MULTIPLIER[unit];
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}b`;
}

/** A size in canonical form, so "1G", "1024m" and "1g" compare equal; unparseable input is left as is. */
export function canonicalSize(size: string): string {
  const bytes = parseBytes(size);
  return bytes === undefined ? size : formatBytes(bytes);
}
