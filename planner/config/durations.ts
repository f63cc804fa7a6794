/**
 * Durations ("500ms", "30s", "1m", "1h", or a number of ms) and sizes ("256m", "50mb", "1G") as
 * real Omnitron configs write them. Durations normalise to ms; sizes stay strings (Docker and the log
 * rotator parse them) but must have a shape both understand.
 */
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE = /^\d+(?:\.\d+)?\s*(b|k|kb|m|mb|g|gb|t|tb)?$/i;

export const DURATION_HINT = 'use a number of milliseconds or a string like "500ms", "30s", "1m", "1h"';
export const SIZE_HINT = 'use a string like "256m", "50mb" or "1g"';

export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = DURATION.exec(value.trim());
  return m ? Math.round(Number(m[1]) * UNIT_MS[m[2]]) : undefined;
}

export function isDuration(value: unknown): boolean {
  return parseDuration(value) !== undefined;
}

export function isSize(value: unknown): value is string {
  return typeof value === 'string' && SIZE.test(value.trim());
}

/** For values the schema already checked. */
export function toMs(value: number | string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new Error(`internal: unchecked duration ${JSON.stringify(value)}`);
  return ms;
}
