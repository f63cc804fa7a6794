/**
 * `node_file`: a file on a node with exact content, owner, group and mode. Uploaded (atomically, over
 * SFTP) only when the live sha256 differs; otherwise only owner and mode are fixed. Content listed in
 * PlanInput.sensitive is never read back, and a plan shows only that it changed.
 */
import * as z from 'zod';
import { matchesPath } from '../../planner/diff.js';
import type { Json } from '../../planner/expr.js';
import { sha256 } from '../../planner/hash.js';
import { plannedSteps, ProviderError, type ApplyOp, type Applied, type Decision, type Observed, type PlanInput, type ProviderContext } from '../../planner/resource.js';
import { chmod, chown, removeFile } from './commands.js';
import { checkKeptContent, contentSha256, fileRequest, fileSteps, readLiveFile, type FileSteps } from './live-file.js';
import { absolutePath, accountName, fileMode, nodeName, normalizeModes, onNode, progress, removingOld, str, type Attrs, type NodeResourceType, type ReadContext, type Facts } from './node-type.js';
import { parseAttributes } from '../parse-attributes.js';
import { planLiveFile } from './plan-file.js';

export const NODE_FILE_TYPE = 'node_file';

const schema = z.object({ node: nodeName, path: absolutePath, content: z.string(), owner: accountName, group: accountName, mode: fileMode });
export type NodeFileAttributes = z.infer<typeof schema>;

/** A secret in a file any local user can read is a leak, whatever the config says. */
function refuseReadableSecret(input: PlanInput): void {
  const mode = (input.desired as { mode?: unknown } | undefined)?.mode;
  if (!matchesPath('content', input.sensitive) || typeof mode !== 'string' || !/^[0-7]+$/.test(mode)) return;
  if ((parseInt(mode, 8) & 0o007) === 0) return;
  throw new ProviderError(input.address, `holds a secret but mode ${mode} lets every user on the node read it`, 'use mode 0600 (or 0640 with a group)');
}

export function planNodeFile(input: PlanInput): Decision {
  refuseReadableSecret(input);
  const attrs = (input.desired ?? input.prior?.attributes ?? {}) as Attrs;
  return planLiveFile(normalizeModes(input), str(attrs, 'node') ?? '?');
}

function requests(attrs: Attrs, rc: ReadContext) {
  const path = str(attrs, 'path');
  return path ? [fileRequest(path, rc)] : [];
}

function read(address: string, attrs: Attrs, facts: Facts, rc: ReadContext) {
  const path = str(attrs, 'path')!;
  return readLiveFile(address, NODE_FILE_TYPE, { node: str(attrs, 'node')!, path }, facts, path, rc);
}

async function removeOld(ctx: ProviderContext, op: ApplyOp, old: { [key: string]: Json }): Promise<void> {
  if (typeof old.node !== 'string' || typeof old.path !== 'string') return;
  const path = old.path;
  progress(ctx, op.address, `removing ${path}`);
  await onNode(ctx, op.address, old.node, (t) => t.execOrThrow(removeFile(path)));
}

async function writeNodeFile(ctx: ProviderContext, op: ApplyOp<FileSteps>): Promise<Applied> {
  const a = parseAttributes(schema, op);
  const hash = sha256(a.content);
  const steps = plannedSteps(op);
  checkKeptContent(op.address, steps, hash);
  const { upload } = steps;
  await onNode(ctx, op.address, a.node, async (t) => {
    if (upload) {
      progress(ctx, op.address, `uploading ${a.path} (${Buffer.byteLength(a.content)} bytes)`);
      await t.put(a.path, a.content, { mode: parseInt(a.mode, 8), owner: a.owner, group: a.group });
    } else {
      progress(ctx, op.address, `setting owner and mode of ${a.path}`);
      await t.execOrThrow(chown(a.owner, a.group, a.path));
      await t.execOrThrow(chmod(a.mode, a.path));
    }
  });
  return { id: a.path, attributes: a, outputs: { path: a.path, sha256: hash } };
}

export const nodeFile = {
  type: NODE_FILE_TYPE,
  plan: planNodeFile,
  planSteps: (action, input) => fileSteps(action, input.observed, contentSha256(input.desired)),
  recordOutputs: (o: Observed) => ({ path: o.id ?? null, sha256: (o.attributes as { sha256?: string }).sha256 ?? null }),
  apply: removingOld(removeOld, writeNodeFile),
  requests,
  read,
} satisfies NodeResourceType<FileSteps>;
