/**
 * `systemd_daemon_reload`: one `systemctl daemon-reload` per node per apply. Its `units` maps each
 * unit name to the sha256 of the content config wants; it is due when the files on disk differ from
 * that (systemd_unit is about to rewrite them), when they changed since the last reload, or when
 * systemd says it has not loaded the current file (NeedDaemonReload=yes, or a file it never loaded).
 * The planner makes every systemd_service of a node depend on it, and it on every systemd_unit.
 */
import * as z from 'zod';
import type { AttributeDiff } from '../../planner/attribute-diff.js';
import { defaultDecision, diffAttributes } from '../../planner/diff.js';
import type { Json, Value } from '../../planner/expr.js';
import type { ApplyOp, Applied, Decision, Observed, PlanInput, ProviderContext } from '../../planner/resource.js';
import { daemonReload } from './commands.js';
import { fileFact, unitFact } from './facts.js';
import { nodeName, onNode, progress, record, str, unitName, type Attrs, type Facts, type NodeResourceType } from './node-type.js';
import { parseAttributes } from '../parse-attributes.js';
import type { ProbeRequest } from './probe.js';
import { unitPath } from './systemd-unit.js';

export const DAEMON_RELOAD_TYPE = 'systemd_daemon_reload';
/** Observed.status when systemd runs an outdated copy of some unit file; notes name the units. */
export const NEEDS_RELOAD = 'needs-reload';

const schema = z.object({ node: nodeName, units: z.record(unitName, z.string()) });

function unitNames(attrs: Attrs): string[] {
  return Object.keys(record(attrs, 'units') ?? {}).sort();
}

function requests(attrs: Attrs): ProbeRequest[] {
  // content: true shares the request systemd_unit makes for the same file.
  return unitNames(attrs).flatMap((name): ProbeRequest[] => [{ kind: 'file', path: unitPath(name), content: true }, { kind: 'unit', name }]);
}

function read(address: string, attrs: Attrs, facts: Facts): Observed {
  const units: { [name: string]: Json } = {};
  const stale: string[] = [];
  for (const name of unitNames(attrs)) {
    const file = fileFact(facts({ kind: 'file', path: unitPath(name), content: true }));
    const unit = unitFact(facts({ kind: 'unit', name }));
    units[name] = file.state === 'present' ? file.sha256 : null;
    if (unit.needDaemonReload || (file.state === 'present' && unit.loadState === 'not-found')) stale.push(name);
  }
  return {
    address, type: DAEMON_RELOAD_TYPE, attributes: { node: str(attrs, 'node')!, units },
    ...(stale.length > 0 ? { status: NEEDS_RELOAD, notes: stale.map((u) => `systemd has not loaded the current ${u}`) } : {}),
  };
}

function due(input: PlanInput, observed: Observed): { reason: string; diffs: AttributeDiff[] } | undefined {
  const { diffs } = diffAttributes(observed.attributes as Value, input.desired, { ignore: ['node'] });
  if (diffs.length > 0) return { reason: `unit files change: ${diffs.map((d) => d.path.replace(/^units\./, '')).join(', ')}`, diffs };
  const prior = input.prior && diffAttributes(input.prior.attributes as Value, input.desired, { ignore: ['node'] }).diffs;
  if (prior && prior.length > 0) return { reason: 'units changed since the last reload', diffs: prior };
  if (observed.status === NEEDS_RELOAD) {
    const stale = (observed.notes ?? []).map((n) => n.replace('systemd has not loaded the current ', ''));
    return { reason: `systemd has not loaded the current ${stale.join(', ')} (NeedDaemonReload)`, diffs: [{ path: 'loaded', before: stale.join(', '), after: '(all current)' }] };
  }
  return undefined;
}

export function planDaemonReload(input: PlanInput): Decision {
  const { desired, observed, prior, unreadable } = input;
  if (desired === undefined) return prior ? { action: 'delete', reason: 'no longer in config' } : { action: 'noop', reason: 'already gone' };
  if (unreadable || !observed) return defaultDecision(input);
  const reload = due(input, observed);
  if (!reload) return prior ? { action: 'noop', reason: 'systemd has loaded every unit file' } : { action: 'noop', reason: 'systemd has loaded every unit file', record: true };
  return prior ? { action: 'update', ...reload } : { action: 'create', reason: reload.reason };
}

async function applyDaemonReload(ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  // Deleting remembers nothing on the node; removing a unit file reloads on its own (see systemd_unit).
  if (op.action === 'delete') return undefined;
  const a = parseAttributes(schema, op);
  progress(ctx, op.address, 'systemctl daemon-reload');
  await onNode(ctx, op.address, a.node, (t) => t.execOrThrow(daemonReload()));
  return { attributes: a, outputs: { units: a.units } };
}

export const systemdDaemonReload = {
  type: DAEMON_RELOAD_TYPE,
  plan: planDaemonReload,
  recordOutputs: (o: Observed) => ({ units: (o.attributes as { units: Json }).units }),
  apply: applyDaemonReload,
  requests,
  read,
} satisfies NodeResourceType;
