import type { Json } from '../expr.js';
import type { StateRecord } from '../resource.js';

export const SENSITIVE_PLACEHOLDER = '(sensitive value)';

type Obj = { [key: string]: Json };

/** A copy of the record safe to print: every sensitive path replaced by a placeholder. */
export function maskedRecord(record: StateRecord): StateRecord {
  const copy = structuredClone(record) as unknown as Obj;
  for (const path of record.sensitive) mask(copy, path.split('.'));
  return copy as unknown as StateRecord;
}

/** Keys may themselves contain dots (`labels.com.example.token`), so try the longest key first. */
function mask(node: Obj, segments: string[]): void {
  for (let n = segments.length; n >= 1; n--) {
    const key = segments.slice(0, n).join('.');
    if (!(key in node)) continue;
    if (n === segments.length) { node[key] = SENSITIVE_PLACEHOLDER; return; }
    const child = node[key];
    if (child && typeof child === 'object' && !Array.isArray(child)) mask(child, segments.slice(n));
    return;
  }
}
