/**
 * Ownership comments: every role and database omnitron creates carries
 * `omnitron:{"address":…,"hash":…,"project":…,"stack":…}`, so observe can tell ours from anyone
 * else's, find orphans and read back the config hash.
 */
import { canonicalJson } from '../../planner/hash.js';
import { judgeStamp, type Owner } from '../../planner/ownership.js';
import type { Scope } from '../../planner/resource.js';
import { COMMENT_PREFIX } from './sql.js';

export interface Stamp { project: string; stack: string; address: string; hash: string; /** Absent on stamps written before lineages were. */ lineage?: string }

export function stampComment(stamp: Stamp & { lineage: string }): string {
  const { project, stack, address, hash, lineage } = stamp;
  return COMMENT_PREFIX + canonicalJson({ project, stack, lineage, address, hash });
}

export function parseStamp(comment: string | null | undefined): Stamp | undefined {
  if (!comment?.startsWith(COMMENT_PREFIX)) return undefined;
  try {
    const v = JSON.parse(comment.slice(COMMENT_PREFIX.length)) as Record<string, unknown>;
    const fields = [v.project, v.stack, v.address, v.hash];
    if (!fields.every((f) => typeof f === 'string')) return undefined;
    const lineage = typeof v.lineage === 'string' && v.lineage ? { lineage: v.lineage } : {};
    return { project: v.project as string, stack: v.stack as string, address: v.address as string, hash: v.hash as string, ...lineage };
  } catch {
    return undefined;
  }
}

export function ownedByScope(stamp: Stamp | undefined, scope: Pick<Scope, 'project' | 'stack'>): stamp is Stamp {
  return stamp !== undefined && stamp.project === scope.project && stamp.stack === scope.stack;
}

/** Who a catalog object's comment says made it. */
export function ownerOfComment(comment: string | null | undefined, scope: Pick<Scope, 'project' | 'stack' | 'lineage'>): Owner {
  return judgeStamp(parseStamp(comment), scope);
}
