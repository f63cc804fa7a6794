/**
 * Ownership of a bucket: a small marker object omnitron writes into every bucket it creates (S3's
 * bucket tagging would do, but not every S3-compatible server has it). A bucket holding only the
 * marker counts as empty.
 */
import { canonicalJson } from '../../planner/hash.js';
import { judgeStamp, type StampFacts } from '../../planner/ownership.js';
import type { Owner } from '../../planner/owner.js';
import type { Scope } from '../../planner/resource.js';

export const MARKER_KEY = '.omnitron-owner.json';

export interface BucketMarker extends StampFacts { address: string; hash: string }

export function encodeMarker(m: BucketMarker & { lineage: string }): string {
  return canonicalJson({ project: m.project, stack: m.stack, lineage: m.lineage, address: m.address, hash: m.hash });
}

export function parseMarker(raw: string | undefined): BucketMarker | undefined {
  if (raw === undefined) return undefined;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    if (!(['project', 'stack', 'address', 'hash'] as const).every((k) => typeof v[k] === 'string')) return undefined;
    const marker: BucketMarker = { project: v.project as string, stack: v.stack as string, address: v.address as string, hash: v.hash as string };
    if (typeof v.lineage === 'string' && v.lineage) marker.lineage = v.lineage;
    return marker;
  } catch {
    return undefined;
  }
}

export function ownerOfBucket(m: BucketMarker | undefined, scope: Pick<Scope, 'project' | 'stack' | 'lineage'>): Owner {
  return judgeStamp(m, scope);
}
