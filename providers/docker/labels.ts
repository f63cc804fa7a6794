/**
 * Ownership labels. Every object omnitron creates carries project, stack, address and config hash, so
 * observe finds ours (and orphans) with one filtered list per kind. We deliberately never use
 * `omnitron.managed`: a running Omnitron daemon stops and removes containers carrying it.
 */
import type { Scope } from '../../planner/resource.js';
import { judgeStamp, type Owner } from '../../planner/ownership.js';

export const LABEL = {
  project: 'dev.omnitron.project',
  stack: 'dev.omnitron.stack',
  address: 'dev.omnitron.address',
  hash: 'dev.omnitron.config-hash',
  /** The lineage of the state that created the object: another checkout's objects are never ours. */
  lineage: 'dev.omnitron.lineage',
  /** Container port → port name, since Docker keeps only numbers. */
  portNames: 'dev.omnitron.port-names',
} as const;

export const OWNERSHIP_PREFIX = 'dev.omnitron.';
export const FORBIDDEN_LABEL = 'omnitron.managed';

export type Labels = Record<string, string>;

export function ownershipLabels(scope: Pick<Scope, 'project' | 'stack' | 'lineage'>, address: string, hash: string): Labels {
  return { [LABEL.project]: scope.project, [LABEL.stack]: scope.stack, [LABEL.lineage]: scope.lineage, [LABEL.address]: address, [LABEL.hash]: hash };
}

/** Who an object's labels say made it. */
export function ownerOf(labels: Labels | null | undefined, scope: Pick<Scope, 'project' | 'stack' | 'lineage'>): Owner {
  const project = labels?.[LABEL.project];
  const stack = labels?.[LABEL.stack];
  if (project === undefined || stack === undefined) return { kind: 'none' };
  const lineage = labels?.[LABEL.lineage];
  return judgeStamp({ project, stack, ...(lineage ? { lineage } : {}) }, scope);
}

/** User labels plus ours; ours win, and the forbidden label never gets through. */
export function objectLabels(ownership: Labels, user: Labels = {}): Labels {
  const out: Labels = {};
  for (const [k, v] of Object.entries(user)) if (k !== FORBIDDEN_LABEL) out[k] = v;
  return { ...out, ...ownership };
}

/** The `filters` argument of Docker's list calls for everything this scope owns. */
export function scopeFilters(scope: Pick<Scope, 'project' | 'stack'>): { label: string[] } {
  return { label: [`${LABEL.project}=${scope.project}`, `${LABEL.stack}=${scope.stack}`] };
}

export function isOwnershipLabel(key: string): boolean {
  return key.startsWith(OWNERSHIP_PREFIX);
}

export function addressOf(labels: Labels | null | undefined): string | undefined {
  return labels?.[LABEL.address] || undefined;
}

export function hashOf(labels: Labels | null | undefined): string | undefined {
  return labels?.[LABEL.hash] || undefined;
}

export function encodePortNames(ports: ReadonlyArray<{ name: string; container: number }>): string {
  return JSON.stringify(Object.fromEntries(ports.map((p) => [String(p.container), p.name])));
}

export function decodePortNames(value: string | undefined): Record<string, string> {
  if (!value) return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}
