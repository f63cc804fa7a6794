/**
 * Ownership comments: every role and database omnitron creates carries
 * `omnitron:{"address":…,"hash":…,"project":…,"stack":…}`, so observe can tell ours from anyone
 * else's, find orphans and read back the config hash.
 */
import { canonicalJson } from '../../planner/hash.js';
import type { Scope } from '../../planner/resource.js';
import { COMMENT_PREFIX } from './sql.js';

export interface Stamp { project: string; stack: string; address: string; hash: string }

export function stampComment(stamp: Stamp): string {
  const { project, stack, address, hash } = stamp;
  return COMMENT_PREFIX + canonicalJson({ project, stack, address, hash });
}

export function parseStamp(comment: string | null | undefined): Stamp | undefined {
  if (!comment?.startsWith(COMMENT_PREFIX)) return undefined;
  try {
    const v = JSON.parse(comment.slice(COMMENT_PREFIX.length)) as Record<string, unknown>;
    const fields = [v.project, v.stack, v.address, v.hash];
    if (!fields.every((f) => typeof f === 'string')) return undefined;
    return { project: v.project as string, stack: v.stack as string, address: v.address as string, hash: v.hash as string };
  } catch {
    return undefined;
  }
}

export function ownedByScope(stamp: Stamp | undefined, scope: Pick<Scope, 'project' | 'stack'>): stamp is Stamp {
  return stamp !== undefined && stamp.project === scope.project && stamp.stack === scope.stack;
}
