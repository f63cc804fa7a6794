/**
 * What every node resource type shares: how it asks the probe for facts and reads them back into an
 * Observed, how apply reaches its node and names the node in every failure.
 */
import path from 'node:path';
import * as z from 'zod';
import type { Json, Value } from '../../planner/expr.js';
import { ProviderError, type Applied, type ApplyOp, type Observed, type PlanInput, type ProviderContext, type ResourceType } from '../../planner/resource.js';
import { shellCommand } from '../ssh/argv.js';
import type { ExecResult, Transport } from '../../planner/transport.js';
import type { ProbeRequest, RawAnswer } from './probe.js';

/** Attributes as observe sees them: desired (refs resolved as far as state allows) or remembered by state. */
export type Attrs = { readonly [key: string]: Value };

export interface ReadContext {
  /** Attribute paths whose values must never be read back or shown (e.g. `content`). */
  sensitive: readonly string[];
  /** False when only state remembers the resource (it is about to be deleted). */
  desired: boolean;
}

export type Facts = (request: ProbeRequest) => RawAnswer;

/** What makes an object one object on its node, and whether anything else may have made it first. */
export interface NodeIdentity {
  /** `file`, `user`, `unit`, `release`. */
  kind: string;
  id: string;
  /**
   * False for files a package installs and omnitron then manages (postgresql.conf, redis.conf): one
   * found without a marker is the package's and is taken over; only another state's marker stops it.
   */
  exclusive: boolean;
}

export type IdentityOf = (attrs: Attrs) => NodeIdentity | undefined;

export interface NodeResourceType<S extends Json = Json> extends ResourceType<S> {
  /** Set on types whose objects are exclusively ours once created (see owner-marker.ts). */
  identity?: IdentityOf;
  /** What the probe must answer to observe this resource (nothing when an identifying value is unknown). */
  requests(attrs: Attrs, rc: ReadContext): ProbeRequest[];
  /** The live object from the probe's answers; undefined when it does not exist. Throws FactError when unreadable. */
  read(address: string, attrs: Attrs, facts: Facts, rc: ReadContext): Observed | undefined;
}

export function str(attrs: Attrs, key: string): string | undefined {
  const v = attrs[key];
  return typeof v === 'string' ? v : undefined;
}

export function record(attrs: Attrs, key: string): Record<string, Value> | undefined {
  const v = attrs[key];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Value>) : undefined;
}

export const nodeName = z.string().min(1);

/** Absolute, normalised (no `.`, `..`, `//` or trailing `/`), no NUL; anything else is allowed (spaces, quotes, `$()`). */
export const absolutePath = z.string().refine((p) => p.startsWith('/') && p.length > 1 && path.posix.normalize(p) === p && !p.endsWith('/') && !p.includes('\0'), {
  message: 'must be an absolute, normalised path (no ., .., // or trailing /)',
});

export const fileMode = z.string().regex(/^0?[0-7]{3,4}$/, 'must be an octal mode like 0644').transform((m) => m.padStart(4, '0'));

/** Debian's default NAME_REGEX (adduser.conf), plus the system-account `$` suffix. */
export const accountName = z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a lower-case account name (letters, digits, _ and -)');

export const unitName = z.string().regex(/^[A-Za-z0-9:_.\\@-]+\.(service|socket|timer|target|path|mount)$/, 'must be a systemd unit name like app.service');

/**
 * Where the object to delete or replace lives: what state recorded (observe looked at the desired
 * node and path, which for a replace is the new place), else what observe saw.
 */
function oldAttributes(op: ApplyOp): { [key: string]: Json } | undefined {
  for (const attrs of [op.prior?.attributes, op.observed?.attributes]) {
    if (attrs !== null && typeof attrs === 'object' && !Array.isArray(attrs)) return attrs;
  }
  return undefined;
}

/** Removes what a delete or replace leaves behind, given its old attributes (oldAttributes). */
export type RemoveOld = (ctx: ProviderContext, op: ApplyOp, old: { [key: string]: Json }) => Promise<void>;

/**
 * The apply of a node type that has something to remove: a delete or replace first removes the old
 * object; a delete ends there, create, update and replace go on to `put` the desired one.
 */
export function removingOld<S extends Json>(remove: RemoveOld, put: (ctx: ProviderContext, op: ApplyOp<S>) => Promise<Applied>) {
  return async (ctx: ProviderContext, op: ApplyOp<S>): Promise<Applied | undefined> => {
    const old = op.action === 'delete' || op.action === 'replace' ? oldAttributes(op) : undefined;
    if (old) await remove(ctx, op, old);
    return op.action === 'delete' ? undefined : put(ctx, op);
  };
}

/** Runs `work` with the node's transport; every failure names the resource and the node. */
export async function onNode<T>(ctx: ProviderContext, address: string, node: string, work: (t: Transport) => Promise<T>): Promise<T> {
  ctx.signal.throwIfAborted();
  try {
    return await work(await ctx.clients.transport(node));
  } catch (err) {
    if (ctx.signal.aborted || !(err instanceof ProviderError)) throw err;
    const named = err.message.includes(`node ${node}`) ? err.message : `on node ${node}: ${err.message}`;
    throw new ProviderError(address, named, err.hint);
  }
}

/** Runs one of commands.ts's fixed scripts; errors show its name and arguments, not its text. */
export function runScript(t: Transport, argv: readonly string[]): Promise<ExecResult> {
  return t.execOrThrow(argv, { label: shellCommand(argv.slice(3)) });
}

export function progress(ctx: ProviderContext, address: string, message: string): void {
  ctx.emit({ kind: 'progress', address, message });
}

/** Config may write a mode as `755` or `0755`; the node reports `0755`. Applied to desired and recorded attributes before comparing. */
export function withNormalMode<T extends Value | Json | undefined>(value: T): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const mode = (value as { mode?: unknown }).mode;
  return typeof mode === 'string' && /^[0-7]{3}$/.test(mode) ? ({ ...value, mode: `0${mode}` } as T) : value;
}

/** The plan input with modes normalised on the desired and recorded side. */
export function normalizeModes(input: PlanInput): PlanInput {
  const prior = input.prior && { ...input.prior, attributes: withNormalMode(input.prior.attributes) };
  return { ...input, desired: withNormalMode(input.desired), ...(prior ? { prior } : {}) };
}
