/** The JSON omnitron stores under MARKER_KEY in every Redis DB it manages. */
import { canonicalJson } from '../../planner/hash.js';
import { judgeStamp, type Owner } from '../../planner/ownership.js';
import type { Scope } from '../../planner/resource.js';

export interface Marker { project: string; stack: string; address: string; hash: string; app: string; purpose: string; /** Absent on markers written before lineages were. */ lineage?: string }

export function encodeMarker(m: Marker & { lineage: string }): string {
  return canonicalJson({ project: m.project, stack: m.stack, lineage: m.lineage, address: m.address, hash: m.hash, app: m.app, purpose: m.purpose });
}

/** Who a DB's marker says made it. */
export function ownerOfMarker(m: Marker | undefined, scope: Pick<Scope, 'project' | 'stack' | 'lineage'>): Owner {
  return judgeStamp(m, scope);
}

export function parseMarker(raw: unknown): Marker | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    const keys = ['project', 'stack', 'address', 'hash', 'app', 'purpose'] as const;
    if (!keys.every((k) => typeof v[k] === 'string')) return undefined;
    const lineage = typeof v.lineage === 'string' && v.lineage ? { lineage: v.lineage } : {};
    return { ...Object.fromEntries(keys.map((k) => [k, v[k]])), ...lineage } as unknown as Marker;
  } catch {
    return undefined;
  }
}

export function isOurs(m: Marker | undefined, scope: Pick<Scope, 'project' | 'stack'>, address?: string): m is Marker {
  return m !== undefined && m.project === scope.project && m.stack === scope.stack && (address === undefined || m.address === address);
}

export function describeOwner(m: Marker | undefined): string {
  return m ? `omnitron ${m.project}/${m.stack} ${m.address}` : 'data without an omnitron marker';
}
