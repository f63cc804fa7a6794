/**
 * Ownership markers for node objects, which carry no label of their own: one small file per object
 * under OWNERS_DIR, named by a hash of the object's identity (a path, a user or unit name), holding
 * the project, stack, lineage and address of the state that created it. It is written before the
 * object is, so it doubles as the node's own record of an interrupted create, and removed after the
 * object is deleted. Two states (two checkouts, or two stacks on one server) claiming one object see
 * each other's marker.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../planner/hash.js';
import { judgeStamp, type Owner } from '../../planner/ownership.js';
import type { ApplyOp, Applied, ProviderContext, Scope } from '../../planner/resource.js';
import type { Json } from '../../planner/expr.js';
import { removeFile } from './commands.js';
import { onNode, str, type Attrs, type IdentityOf, type NodeIdentity, type NodeResourceType } from './node-type.js';
import type { MarkerFact } from './facts.js';

export const OWNERS_DIR = '/var/lib/omnitron/owners';

export function markerPath(identity: Pick<NodeIdentity, 'kind' | 'id'>): string {
  const digest = createHash('sha256').update(`${identity.kind}\0${identity.id}`).digest('hex').slice(0, 32);
  return `${OWNERS_DIR}/${identity.kind}-${digest}`;
}

export function markerContent(scope: Pick<Scope, 'project' | 'stack' | 'lineage'>, address: string, identity: NodeIdentity): string {
  return canonicalJson({ project: scope.project, stack: scope.stack, lineage: scope.lineage, address, kind: identity.kind, id: identity.id });
}

/** The owner a marker names; undefined when nothing is known (no marker on a package's file). */
export function ownerFromMarker(fact: MarkerFact, identity: NodeIdentity, scope: Pick<Scope, 'project' | 'stack' | 'lineage'>): Owner | undefined {
  if (fact.state === 'missing') return identity.exclusive ? { kind: 'none' } : undefined;
  try {
    const v = JSON.parse(fact.content) as Record<string, unknown>;
    if (typeof v.project === 'string' && typeof v.stack === 'string') {
      return judgeStamp({ project: v.project, stack: v.stack, ...(typeof v.lineage === 'string' ? { lineage: v.lineage } : {}) }, scope);
    }
  } catch { /* fall through: an unreadable marker is nobody's stamp */ }
  return { kind: 'none' };
}

/** Writes a marker atomically; the directory is root's alone. */
export function writeMarker(path: string, content: string): string[] {
  return ['sh', '-c', 'set -eu\numask 077\nmkdir -p -- "$1"\nprintf %s "$3" > "$2.tmp"\nmv -f -- "$2.tmp" "$2"', 'omnitron-owner', OWNERS_DIR, path, content];
}

function identityOfOp(identity: IdentityOf, attrs: Json | undefined): NodeIdentity | undefined {
  return attrs !== null && typeof attrs === 'object' && !Array.isArray(attrs) ? identity(attrs as Attrs) : undefined;
}

/**
 * A node type whose objects are exclusively ours once created: the marker is written before every
 * create, update or replace (an update stamps an object made before markers were), and the old
 * object's marker is removed once the object is gone.
 */
export function claimed<S extends Json>(type: NodeResourceType<S>, identity: IdentityOf): NodeResourceType<S> {
  return {
    ...type,
    claimsObjects: true,
    identity,
    async apply(ctx: ProviderContext, op: ApplyOp<S>): Promise<Applied | undefined> {
      const next = op.action === 'delete' ? undefined : identityOfOp(identity, op.attributes);
      const node = str((op.attributes ?? op.prior?.attributes ?? {}) as Attrs, 'node');
      if (next && node) await onNode(ctx, op.address, node, (t) => t.execOrThrow(writeMarker(markerPath(next), markerContent(ctx.scope, op.address, next)), { label: 'writing the ownership marker' }));
      const applied = await type.apply(ctx, op);
      const old = op.action === 'delete' || op.action === 'replace' ? identityOfOp(identity, op.prior?.attributes ?? op.observed?.attributes) : undefined;
      const oldNode = str((op.prior?.attributes ?? op.observed?.attributes ?? {}) as Attrs, 'node');
      if (old && oldNode && (!next || markerPath(old) !== markerPath(next) || oldNode !== node)) {
        await onNode(ctx, op.address, oldNode, (t) => t.execOrThrow(removeFile(markerPath(old)), { label: 'removing the ownership marker' }));
      }
      return applied;
    },
  };
}
