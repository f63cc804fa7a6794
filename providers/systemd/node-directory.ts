/**
 * `node_directory`: a directory with owner, group and mode (`install -d` creates it with its parents,
 * or fixes an existing one). Delete removes it only when empty: what is inside may be data.
 */
import * as z from 'zod';
import type { DiffOptions } from '../../planner/diff.js';
import type { Json } from '../../planner/expr.js';
import type { ApplyOp, Applied, Decision, Observed, PlanInput, ProviderContext } from '../../planner/resource.js';
import { installDir, removeEmptyDir } from './commands.js';
import { dirFact } from './facts.js';
import { CONFLICT, refuseConflict } from './live-file.js';
import { absolutePath, accountName, fileMode, nodeName, normalizeModes, onNode, progress, removingOld, str, type Attrs, type Facts, type NodeResourceType } from './node-type.js';
import { parseAttributes } from '../parse-attributes.js';
import { planAgainstLive } from './plan-live.js';
import type { ProbeRequest } from './probe.js';

export const NODE_DIRECTORY_TYPE = 'node_directory';
const OPTIONS: DiffOptions = { replaceOn: ['node', 'path'] };

const schema = z.object({ node: nodeName, path: absolutePath, owner: accountName, group: accountName, mode: fileMode });

export function planNodeDirectory(input: PlanInput): Decision {
  refuseConflict(input, str((input.desired ?? {}) as Attrs, 'node') ?? '?');
  return planAgainstLive(normalizeModes(input), OPTIONS);
}

function requests(attrs: Attrs): ProbeRequest[] {
  const path = str(attrs, 'path');
  return path ? [{ kind: 'dir', path }] : [];
}

function read(address: string, attrs: Attrs, facts: Facts): Observed | undefined {
  const path = str(attrs, 'path')!;
  const identity = { node: str(attrs, 'node')!, path };
  const fact = dirFact(facts({ kind: 'dir', path }));
  if (fact.state === 'missing') return undefined;
  if (fact.state === 'conflict') return { address, type: NODE_DIRECTORY_TYPE, id: path, attributes: identity, status: CONFLICT, notes: [`${path} is a ${fact.what}, not a directory`] };
  return { address, type: NODE_DIRECTORY_TYPE, id: path, attributes: { ...identity, owner: fact.owner, group: fact.group, mode: fact.mode } };
}

async function removeOld(ctx: ProviderContext, op: ApplyOp, old: { [key: string]: Json }): Promise<void> {
  if (typeof old.node !== 'string' || typeof old.path !== 'string') return;
  const path = old.path;
  await onNode(ctx, op.address, old.node, async (t) => {
    const result = await t.exec(removeEmptyDir(path));
    if (result.code === 0 || /No such file/.test(result.stderr)) return;
    ctx.emit({ kind: 'warning', address: op.address, message: `directory ${path} on node ${old.node} was kept: ${result.stderr.trim()}` });
  });
}

async function installDirectory(ctx: ProviderContext, op: ApplyOp): Promise<Applied> {
  const a = parseAttributes(schema, op);
  progress(ctx, op.address, `install -d ${a.path}`);
  await onNode(ctx, op.address, a.node, (t) => t.execOrThrow(installDir(a.path, a.mode, a.owner, a.group)));
  return { id: a.path, attributes: a, outputs: { path: a.path } };
}

export const nodeDirectory = {
  type: NODE_DIRECTORY_TYPE,
  plan: planNodeDirectory,
  recordOutputs: (o: Observed) => ({ path: o.id ?? null }),
  apply: removingOld(removeOld, installDirectory),
  requests,
  read,
} satisfies NodeResourceType;
