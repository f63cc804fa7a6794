/**
 * `node_artifact`: a large file (the Node binary, ~126 MB) placed on a node from a local file,
 * identified by its sha256. Uploaded only when the node's copy has another hash; a `.gz` source is
 * uploaded compressed and gunzipped on the node. The result is verified before it replaces anything.
 */
import { stat } from 'node:fs/promises';
import * as z from 'zod';
import type { DiffOptions } from '../../planner/diff.js';
import type { Json, Value } from '../../planner/expr.js';
import { plannedSteps, ProviderError, type ApplyOp, type Applied, type Decision, type Observed, type PlanInput, type ProviderContext } from '../../planner/resource.js';
import { chmod, placeArtifact, removeFile } from './commands.js';
import { fileFact } from './facts.js';
import { fileSteps, refuseConflict, CONFLICT, type FileSteps } from './live-file.js';
import { absolutePath, fileMode, nodeName, normalizeModes, onNode, progress, removingOld, runScript, str, type Attrs, type Facts, type NodeResourceType } from './node-type.js';
import { parseAttributes } from '../parse-attributes.js';
import { planAgainstLive } from './plan-live.js';
import type { ProbeRequest } from './probe.js';
import type { Transport } from '../../planner/transport.js';

export const NODE_ARTIFACT_TYPE = 'node_artifact';
const OPTIONS: DiffOptions = { replaceOn: ['node', 'path'], ignore: ['source', 'compressed', 'machine'] };

const schema = z.object({
  node: nodeName, path: absolutePath, sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex sha256'),
  source: z.string().min(1), mode: fileMode, compressed: z.boolean(),
  /** An executable for one machine type (`uname -m`): checked on the node before the upload. */
  machine: z.string().optional(),
});
type Attributes = z.infer<typeof schema>;

export function planNodeArtifact(input: PlanInput): Decision {
  refuseConflict(input, str((input.desired ?? {}) as Attrs, 'node') ?? '?');
  return planAgainstLive(normalizeModes(input), OPTIONS);
}

function requests(attrs: Attrs): ProbeRequest[] {
  const path = str(attrs, 'path');
  return path ? [{ kind: 'file', path, content: false, cachedHash: true }] : [];
}

function read(address: string, attrs: Attrs, facts: Facts): Observed | undefined {
  const path = str(attrs, 'path')!;
  const identity = { node: str(attrs, 'node')!, path };
  const fact = fileFact(facts({ kind: 'file', path, content: false, cachedHash: true }));
  if (fact.state === 'missing') return undefined;
  if (fact.state === 'conflict') return { address, type: NODE_ARTIFACT_TYPE, id: path, attributes: identity, status: CONFLICT, notes: [`${path} is a ${fact.what}, not a regular file`] };
  return { address, type: NODE_ARTIFACT_TYPE, id: path, attributes: { ...identity, sha256: fact.sha256, mode: fact.mode } };
}

async function localSize(op: ApplyOp, source: string): Promise<number> {
  const info = await stat(source).catch((err: NodeJS.ErrnoException) => {
    throw new ProviderError(op.address, `cannot read the local source ${source}: ${err.code ?? err.message}`);
  });
  return info.size;
}

async function upload(ctx: ProviderContext, op: ApplyOp, a: Attributes): Promise<void> {
  const size = await localSize(op, a.source);
  const uploaded = `${a.path}.omnitron-upload`;
  progress(ctx, op.address, `uploading ${a.source} to ${a.path} (${(size / 1e6).toFixed(1)} MB${a.compressed ? ', compressed' : ''})`);
  await onNode(ctx, op.address, a.node, async (t) => {
    if (a.machine) await requireMachine(op, t, a);
    await t.put(uploaded, { localPath: a.source }, { mode: 0o600 });
    await runScript(t, placeArtifact(uploaded, a.path, a.sha256, a.mode, a.compressed));
  });
}

async function requireMachine(op: ApplyOp, t: Transport, a: Attributes): Promise<void> {
  const machine = (await t.execOrThrow(['uname', '-m'])).stdout.trim();
  if (machine === a.machine) return;
  throw new ProviderError(op.address, `node ${a.node} is ${machine || 'of an unknown machine type'}, and ${a.path} is built for ${a.machine}`,
    `omnitron ships the Node binary it runs on itself (${a.machine}); run the apps on ${a.machine} nodes, or run omnitron on a ${machine} machine`);
}

async function removeOld(ctx: ProviderContext, op: ApplyOp, old: { [key: string]: Json }): Promise<void> {
  if (typeof old.node !== 'string' || typeof old.path !== 'string') return;
  const path = old.path;
  await onNode(ctx, op.address, old.node, (t) => t.execOrThrow(removeFile(path)));
}

async function placeNodeArtifact(ctx: ProviderContext, op: ApplyOp<FileSteps>): Promise<Applied> {
  const a = parseAttributes(schema, op);
  if (plannedSteps(op).upload) await upload(ctx, op, a);
  else await onNode(ctx, op.address, a.node, (t) => t.execOrThrow(chmod(a.mode, a.path)));
  return { id: a.path, attributes: a, outputs: { path: a.path, sha256: a.sha256 } };
}

export const nodeArtifact = {
  type: NODE_ARTIFACT_TYPE,
  plan: planNodeArtifact,
  planSteps: (action, input) => fileSteps(action, input.observed, str((input.desired ?? {}) as Attrs, 'sha256')),
  recordOutputs: (o: Observed) => ({ path: o.id ?? null, sha256: (o.attributes as { sha256?: Value }).sha256 as string }),
  apply: removingOld(removeOld, placeNodeArtifact),
  requests,
  read,
} satisfies NodeResourceType<FileSteps>;
