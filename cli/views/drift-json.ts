/**
 * The drift report as one JSON document for CI jobs. Every finding (one per attribute, per resource
 * without attributes, per app not running) has a stable `id`: a hash of its category, kind, address and
 * attribute path, with no values and no times, so a job can keep the ids it has seen and tell new drift
 * from known drift. Secret values are never in it: a sensitive attribute has `sensitive: true` and no values.
 */
import { createHash } from 'node:crypto';
import { driftExitCode, runtimeAddress, type AttributeDrift, type DriftReport, type OutsideChange, type PendingChange } from '../../planner/drift-report.js';
import type { Json } from '../../planner/expr.js';
import type { RuntimeIssue } from '../../planner/resource.js';

export type FindingCategory = 'outside' | 'runtime' | 'pending';

export interface DriftFindingJson {
  id: string;
  category: FindingCategory;
  /** outside: changed | deleted; runtime: runtime; pending: create | update | delete. */
  kind: string;
  target: string;
  /** A resource address, or `app.NAME` for an app's runtime drift (what --ignore takes). */
  address: string;
  summary: string;
  attribute?: string;
  before?: Json;
  after?: Json;
  after_unknown?: true;
  sensitive?: true;
  /** outside only: `apply -refresh-only` can record it in state. */
  recordable?: boolean;
  app?: string;
  state?: string;
  restarts?: number;
  last_exit?: string;
  detail?: string;
}

export interface DriftJson {
  format_version: '1.0';
  omnitron_version: string;
  project: string;
  stack: string;
  /** drift (exit 2), pending (exit 3) or clean (exit 0). */
  status: 'drift' | 'pending' | 'clean';
  exit_code: 0 | 2 | 3;
  summary: { outside: number; runtime: number; pending: number; findings: number; ignored: number };
  findings: DriftFindingJson[];
  unreadable: Array<{ address: string; why: string }>;
  ignored: Array<{ address: string; findings: number }>;
}

const STATUS = { 0: 'clean', 2: 'drift', 3: 'pending' } as const;

/** Stable across runs and machines: what drifted and where, never the values or when. */
export function findingId(category: FindingCategory, kind: string, address: string, path = ''): string {
  return createHash('sha256').update([category, kind, address, path].join('\0')).digest('hex').slice(0, 16);
}

export function driftToJson(report: DriftReport, opts: { version?: string } = {}): DriftJson {
  const findings = [
    ...report.outside.flatMap((o) => resourceFindings('outside', o)),
    ...report.runtime.map(runtimeFinding),
    ...report.pending.flatMap((p) => resourceFindings('pending', p)),
  ];
  const exit = driftExitCode(report);
  return {
    format_version: '1.0',
    omnitron_version: opts.version ?? 'unknown',
    project: report.project,
    stack: report.stack,
    status: STATUS[exit],
    exit_code: exit,
    summary: {
      outside: report.outside.length, runtime: report.runtime.length, pending: report.pending.length,
      findings: findings.length, ignored: report.ignored.reduce((n, i) => n + i.findings, 0),
    },
    findings,
    unreadable: report.unreadable,
    ignored: report.ignored,
  };
}

export function renderDriftJson(report: DriftReport, opts: { version?: string } = {}): string {
  return `${JSON.stringify(driftToJson(report, opts), null, 2)}\n`;
}

function resourceFindings(category: 'outside' | 'pending', r: OutsideChange | PendingChange): DriftFindingJson[] {
  const base = {
    category, kind: r.kind, target: r.target, address: r.address, summary: r.summary,
    ...('recordable' in r ? { recordable: r.recordable } : {}),
  };
  if (r.attributes.length === 0) return [{ id: findingId(category, r.kind, r.address), ...base }];
  return r.attributes.map((a) => ({ id: findingId(category, r.kind, r.address, a.path), ...base, ...attributeFields(a) }));
}

function attributeFields(a: AttributeDrift): Partial<DriftFindingJson> {
  if (a.sensitive) return { attribute: a.path, sensitive: true };
  return {
    attribute: a.path,
    ...(a.before !== undefined ? { before: a.before } : {}),
    ...(a.after !== undefined ? { after: a.after } : {}),
    ...(a.afterUnknown ? { after_unknown: true as const } : {}),
  };
}

function runtimeFinding(i: RuntimeIssue): DriftFindingJson {
  const address = runtimeAddress(i);
  return {
    id: findingId('runtime', 'runtime', address, i.target), category: 'runtime', kind: 'runtime', target: i.target, address,
    summary: `${i.app} is ${i.state}`, app: i.app, state: i.state, restarts: i.restarts,
    ...(i.lastExit ? { last_exit: i.lastExit } : {}), ...(i.detail ? { detail: i.detail } : {}),
  };
}
