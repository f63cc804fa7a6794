/**
 * Attribute values as views see them. In memory an unknown is the UNKNOWN symbol; in a plan loaded from
 * JSON it is the marker object `{ "$unknown": true }`. Both read the same everywhere here.
 */
import { UNKNOWN, type Json, type Value } from '../../planner/expr.js';

export const KNOWN_AFTER_APPLY = '(known after apply)';
export const SENSITIVE_VALUE = '(sensitive value)';

export function isUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    && (v as Record<string, unknown>).$unknown === true && Object.keys(v).length === 1;
}

export function hasUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasUnknown);
  return false;
}

/** Compact JSON, with unknowns (anywhere inside) shown as `(known after apply)`. */
export function formatValue(v: Value | undefined): string {
  if (v === undefined) return 'null';
  if (isUnknown(v)) return KNOWN_AFTER_APPLY;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${formatValue(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A value with no unknowns, as JSON; callers check `hasUnknown` first. */
export function asJson(v: Value): Json {
  return v as Json;
}

export function isMultiline(v: Value | undefined): v is string {
  return typeof v === 'string' && v.includes('\n');
}

/** Terraform's duration style, truncated to whole seconds: `0s`, `42s`, `1m5s`, `1h0m3s`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
