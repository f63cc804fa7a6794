/**
 * The plan is data: one Change per address with a short lower-case cause, the attribute-level diff,
 * and what apply needs to execute it. Rendering (human, JSON) reads only this.
 */
import type { Expr, Json } from './expr.js';
import type { AttributeDiff } from './attribute-diff.js';
import type { Diagnostic } from './diagnostics.js';
import type { Observed, RuntimeIssue, StateRecord } from './resource.js';

export type Action = Change['action'];

/** What apply executes for a desired resource: unresolved attributes (refs resolve against state at apply time). */
export interface DesiredSpec { attributes: Expr; connection?: Expr; sensitive: string[]; startupTimeout?: number; holdAfter?: number }

interface ChangeBase {
  address: string;
  type: string;
  /** Why, in a few lower-case words: "not found", "config hash diverged", "container is exited". */
  reason: string;
  /** Attribute-level differences (for create: every after value; for delete: every before value). */
  diffs: AttributeDiff[];
  /** Number of attributes compared and found equal (rendered as "(N unchanged attributes hidden)"). */
  unchanged: number;
  dependsOn: string[];
  prior?: StateRecord;
  observed?: Observed;
}

interface Acting extends ChangeBase {
  /** The live object differs from what state recorded: someone changed it outside omnitron. */
  drifted?: boolean;
  /** The type's planned steps for this action (ResourceType.planSteps), handed to apply as they are. */
  steps?: Json;
}

export interface CreateChange extends Acting { action: 'create'; desired: DesiredSpec }
export interface UpdateChange extends Acting { action: 'update'; desired: DesiredSpec }
export interface ReplaceChange extends Acting {
  action: 'replace';
  desired: DesiredSpec;
  /** Attribute paths (or "requested") that force the replacement. */
  forcedBy: string[];
}
export interface DeleteChange extends Acting {
  action: 'delete';
  /** How to reach an orphan's server when state recorded none (the way its siblings in config are reached). */
  connection?: Expr;
}
export interface NoopChange extends ChangeBase {
  action: 'noop';
  record?: false;
  /** State remembers an object that is gone (or an intent whose create never ran): apply drops the record. */
  forget?: true;
}
/** A no-op that still writes state: an object found live that state had lost (e.g. after a crash). */
export interface RecordChange extends ChangeBase { action: 'noop'; record: true; forget?: false; desired: DesiredSpec; observed: Observed }

/** One per address; fields exist only on the actions they mean something for. */
export type Change = CreateChange | UpdateChange | ReplaceChange | DeleteChange | NoopChange | RecordChange;

/** A saved plan of another format is refused, never half-understood. */
export const PLAN_FORMAT_VERSION = 2;

export interface DriftItem {
  address: string;
  /** e.g. "container is exited", "env file content changed", "deleted outside omnitron". */
  summary: string;
}

export interface PlanBinding {
  stateLineage: string;
  stateSerial: number;
  configDigest: string;
}

export interface Plan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  project: string;
  stack: string;
  stackType: string;
  /** In dependency order (creates) with deletes first in reverse dependency order. */
  changes: Change[];
  drift: DriftItem[];
  /** Supervised apps crash-looping, failed or blocked: nothing to change in config, but not what it asks for. */
  runtimeDrift: RuntimeIssue[];
  binding: PlanBinding;
  diagnostics: Diagnostic[];
  /** `destroy` plans are rendered with destroy wording. */
  mode: 'normal' | 'destroy';
  /** Apps whose new release reaches several nodes: the order, batch by batch. */
  rollouts?: Rollout[];
}

/** A rolling deploy of one app: node names per batch, and the ms each batch stays healthy before the next. */
export interface Rollout { app: string; batches: string[][]; wait: number }

export interface PlanSummary { add: number; change: number; destroy: number; record: number; forget: number }

export function summarize(plan: Pick<Plan, 'changes'>): PlanSummary {
  const s: PlanSummary = { add: 0, change: 0, destroy: 0, record: 0, forget: 0 };
  for (const c of plan.changes) {
    if (c.action === 'create') s.add++;
    else if (c.action === 'update') s.change++;
    else if (c.action === 'delete') s.destroy++;
    else if (c.action === 'replace') { s.add++; s.destroy++; }
    else if (c.record) s.record++;
    else if (c.forget) s.forget++;
  }
  return s;
}

export function hasChanges(plan: Pick<Plan, 'changes'>): boolean {
  return plan.changes.some((c) => c.action !== 'noop' || c.record || c.forget);
}

/** What `--detailed-exitcode` reports as 2: changes to make, or supervised apps not running as configured. */
export function differsFromConfig(plan: Pick<Plan, 'changes' | 'runtimeDrift'>): boolean {
  return hasChanges(plan) || plan.runtimeDrift.length > 0;
}
