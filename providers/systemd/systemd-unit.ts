/**
 * `systemd_unit`: a unit file at /etc/systemd/system/<name>, root-owned, 0644. Writing it does not
 * reload systemd: that is systemd_daemon_reload's job, once per node per apply. Deleting it reloads,
 * because the reload resource is deleted before the units it depends on.
 */
import * as z from 'zod';
import type { Json, Value } from '../../planner/expr.js';
import { sha256 } from '../../planner/hash.js';
import { plannedSteps, type ApplyOp, type Applied, type Decision, type Observed, type PlanInput, type ProviderContext, type StateRecord } from '../../planner/resource.js';
import { chmod, chown, daemonReload, removeFile, UNIT_DIR } from './commands.js';
import { checkKeptContent, contentSha256, fileRequest, fileSteps, readLiveFile, type FileSteps } from './live-file.js';
import { nodeName, onNode, progress, removingOld, str, unitName, type Attrs, type Facts, type NodeResourceType, type ReadContext } from './node-type.js';
import { parseAttributes } from '../parse-attributes.js';
import { planLiveFile } from './plan-file.js';

export const SYSTEMD_UNIT_TYPE = 'systemd_unit';
const FIXED = { owner: 'root', group: 'root', mode: '0644' };

const schema = z.object({ node: nodeName, name: unitName, content: z.string() });

export const unitPath = (name: string) => `${UNIT_DIR}/${name}`;

/** Desired and recorded attributes carry no owner or mode: they are fixed, so compare against the fixed values. */
function withFixed(value: Value | undefined): Value | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value, ...FIXED } : value;
}

export function planSystemdUnit(input: PlanInput): Decision {
  const prior: StateRecord | undefined = input.prior && { ...input.prior, attributes: withFixed(input.prior.attributes as Value) as Json };
  const attrs = (input.desired ?? input.prior?.attributes ?? {}) as Attrs;
  return planLiveFile({ ...input, desired: withFixed(input.desired), prior }, str(attrs, 'node') ?? '?', ['node', 'name']);
}

function requests(attrs: Attrs, rc: ReadContext) {
  const name = str(attrs, 'name');
  return name ? [fileRequest(unitPath(name), rc)] : [];
}

function read(address: string, attrs: Attrs, facts: Facts, rc: ReadContext): Observed | undefined {
  const name = str(attrs, 'name')!;
  return readLiveFile(address, SYSTEMD_UNIT_TYPE, { node: str(attrs, 'node')!, name }, facts, unitPath(name), rc);
}

async function removeUnit(ctx: ProviderContext, op: ApplyOp, old: { [key: string]: Json }): Promise<void> {
  if (typeof old.node !== 'string' || typeof old.name !== 'string') return;
  const path = unitPath(old.name);
  progress(ctx, op.address, `removing ${path}`);
  await onNode(ctx, op.address, old.node, async (t) => {
    await t.execOrThrow(removeFile(path));
    await t.execOrThrow(daemonReload());
  });
}

async function writeUnit(ctx: ProviderContext, op: ApplyOp<FileSteps>): Promise<Applied> {
  const a = parseAttributes(schema, op);
  const path = unitPath(a.name);
  const hash = sha256(a.content);
  const steps = plannedSteps(op);
  checkKeptContent(op.address, steps, hash);
  const { upload } = steps;
  await onNode(ctx, op.address, a.node, async (t) => {
    if (!upload) {
      await t.execOrThrow(chown(FIXED.owner, FIXED.group, path));
      await t.execOrThrow(chmod(FIXED.mode, path));
      return;
    }
    progress(ctx, op.address, `writing ${path}`);
    await t.put(path, a.content, { mode: 0o644, owner: FIXED.owner, group: FIXED.group });
  });
  return { id: path, attributes: a, outputs: { path, sha256: hash } };
}

export const systemdUnit = {
  type: SYSTEMD_UNIT_TYPE,
  plan: planSystemdUnit,
  planSteps: (action, input) => fileSteps(action, input.observed, contentSha256(input.desired)),
  recordOutputs: (o: Observed) => ({ path: o.id ?? null, sha256: (o.attributes as { sha256?: string }).sha256 ?? null }),
  apply: removingOld(removeUnit, writeUnit),
  requests,
  read,
} satisfies NodeResourceType<FileSteps>;
