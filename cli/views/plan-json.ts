/**
 * The machine-readable plan, shaped after Terraform's `show -json` so CI tooling feels at home.
 * before/after are rebuilt from the attribute diffs (changed attributes only). Secrets never appear:
 * a sensitive value is null in before/after and `true` in the *_sensitive map; an unknown value is
 * left out of `after` and is `true` in after_unknown.
 */
import { summarize, type Action, type Change, type Plan, type PlanSummary } from '../../planner/change.js';
import type { Diagnostic } from '../../planner/diagnostics.js';
import type { Json, Value } from '../../planner/expr.js';
import { resourceName } from './plan-text.js';
import { asJson, hasUnknown } from './values.js';

type JsonObject = { [key: string]: Json };
type JsonAction = 'create' | 'update' | 'delete' | 'no-op';

export interface ResourceChangeJson {
  address: string;
  type: string;
  name: string;
  actions: JsonAction[];
  reason: string;
  /** Terraform's action_reason where one applies: replace_by_request, replace_because_cannot_update, … */
  action_reason?: string;
  forced_by?: string[];
  drifted?: boolean;
  record?: boolean;
  forget?: boolean;
  change: {
    before: JsonObject | null;
    after: JsonObject | null;
    after_unknown: JsonObject;
    before_sensitive: JsonObject;
    after_sensitive: JsonObject;
    replace_paths?: string[][];
  };
}

export interface PlanJson {
  format_version: '1.0';
  omnitron_version: string;
  project: string;
  stack: string;
  mode: Plan['mode'];
  resource_changes: ResourceChangeJson[];
  resource_drift: Array<{ address: string; summary: string }>;
  runtime_drift: Array<{ target: string; app: string; state: string; restarts: number; last_exit?: string; detail?: string }>;
  /** Apps whose new release reaches several nodes, in rollout order. */
  rollouts?: Array<{ app: string; batches: string[][]; wait_ms: number }>;
  summary: PlanSummary;
  binding: { state_lineage: string; state_serial: number; config_digest: string };
  diagnostics: Diagnostic[];
}

export interface PlanJsonOptions {
  /** The running CLI's version; the caller knows it (views do no I/O). */
  version?: string;
}

const ACTIONS: Record<Action, JsonAction[]> = {
  create: ['create'],
  update: ['update'],
  replace: ['delete', 'create'],
  delete: ['delete'],
  noop: ['no-op'],
};

export function planToJson(plan: Plan, opts: PlanJsonOptions = {}): PlanJson {
  return {
    format_version: '1.0',
    omnitron_version: opts.version ?? 'unknown',
    project: plan.project,
    stack: plan.stack,
    mode: plan.mode,
    resource_changes: plan.changes.map((c) => changeToJson(c, plan.mode)),
    resource_drift: plan.drift.map((d) => ({ address: d.address, summary: d.summary })),
    runtime_drift: plan.runtimeDrift.map((i) => ({
      target: i.target, app: i.app, state: i.state, restarts: i.restarts, ...(i.lastExit ? { last_exit: i.lastExit } : {}), ...(i.detail ? { detail: i.detail } : {}),
    })),
    ...(plan.rollouts ? { rollouts: plan.rollouts.map((r) => ({ app: r.app, batches: r.batches, wait_ms: r.wait })) } : {}),
    summary: summarize(plan),
    binding: {
      state_lineage: plan.binding.stateLineage,
      state_serial: plan.binding.stateSerial,
      config_digest: plan.binding.configDigest,
    },
    diagnostics: plan.diagnostics.map(diagnosticToJson),
  };
}

export function renderPlanJson(plan: Plan, opts: PlanJsonOptions = {}): string {
  return `${JSON.stringify(planToJson(plan, opts), null, 2)}\n`;
}

function changeToJson(c: Change, mode: Plan['mode']): ResourceChangeJson {
  const actionReason = actionReasonOf(c, mode);
  return {
    address: c.address,
    type: c.type,
    name: resourceName(c),
    actions: ACTIONS[c.action],
    reason: c.reason,
    ...(actionReason && { action_reason: actionReason }),
    ...(c.action === 'replace' && c.forcedBy.length > 0 && { forced_by: [...c.forcedBy] }),
    ...(c.action !== 'noop' && c.drifted && { drifted: true }),
    ...(c.action === 'noop' && c.record && { record: true }),
    ...(c.action === 'noop' && c.forget && { forget: true }),
    change: valuesOf(c),
  };
}

function actionReasonOf(c: Change, mode: Plan['mode']): string | undefined {
  if (c.action === 'replace') return c.forcedBy.includes('requested') ? 'replace_by_request' : 'replace_because_cannot_update';
  if (c.action === 'delete' && mode === 'normal') return 'delete_because_no_resource_config';
  return undefined;
}

function valuesOf(c: Change): ResourceChangeJson['change'] {
  const before: JsonObject = {};
  const after: JsonObject = {};
  const afterUnknown: JsonObject = {};
  const beforeSensitive: JsonObject = {};
  const afterSensitive: JsonObject = {};
  for (const d of c.diffs) {
    if (d.before !== undefined) place(d.path, d.before, d.sensitive, before, beforeSensitive, undefined);
    if (d.after !== undefined) place(d.path, d.after, d.sensitive, after, afterSensitive, afterUnknown);
  }
  const out: ResourceChangeJson['change'] = {
    before: c.action === 'create' ? null : before,
    after: c.action === 'delete' ? null : after,
    after_unknown: afterUnknown,
    before_sensitive: beforeSensitive,
    after_sensitive: afterSensitive,
  };
  const forcing = c.diffs.filter((d) => d.forcesReplacement || (c.action === 'replace' && c.forcedBy.includes(d.path))).map((d) => d.path.split('.'));
  if (forcing.length > 0) out.replace_paths = forcing;
  return out;
}

function place(path: string, value: Value, sensitive: boolean | undefined, values: JsonObject, sensitiveMap: JsonObject, unknownMap: JsonObject | undefined): void {
  if (sensitive) setPath(sensitiveMap, path, true);
  if (hasUnknown(value)) {
    if (unknownMap) setPath(unknownMap, path, true);
    return;
  }
  setPath(values, path, sensitive ? null : asJson(value));
}

/** Writes `value` at a dot path, creating nested objects on the way. */
export function setPath(target: JsonObject, path: string, value: Json): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as JsonObject;
  }
  node[keys[keys.length - 1]] = value;
}

function diagnosticToJson(d: Diagnostic): Diagnostic {
  return Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)) as unknown as Diagnostic;
}
