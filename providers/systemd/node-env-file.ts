/**
 * `node_env_file`: an app's environment on a node, one `KEY="value"` per line, owned by the app user,
 * 0600. The probe reads the file back (root-only, never shown) so a hand edit is drift named by
 * variable; values built from secrets show only as changed.
 */
import * as z from 'zod';
import { defaultDecision } from '../../planner/diff.js';
import type { Json } from '../../planner/expr.js';
import { sha256 } from '../../planner/hash.js';
import { ProviderError, type ApplyOp, type Applied, type Decision, type Observed, type PlanInput, type ProviderContext } from '../../planner/resource.js';
import { formatEnv, parseEnv } from '../../contract/env-file-format.js';
import { removeFile } from './commands.js';
import { fileFact } from './facts.js';
import { fileRequest } from './live-file.js';
import { absolutePath, accountName, fileMode, nodeName, normalizeModes, onNode, progress, removingOld, str, type Attrs, type Facts, type NodeResourceType, type ReadContext } from './node-type.js';
import { parseAttributes } from '../parse-attributes.js';

export const NODE_ENV_FILE_TYPE = 'node_env_file';

const schema = z.object({ node: nodeName, path: absolutePath, owner: accountName, group: accountName, mode: fileMode, variables: z.record(z.string(), z.string()) });

function plan(input: PlanInput): Decision {
  const mode = (input.desired as { mode?: unknown } | undefined)?.mode;
  if (input.sensitive.length > 0 && typeof mode === 'string' && (parseInt(mode, 8) & 0o007) !== 0) {
    throw new ProviderError(input.address, `holds secrets but mode ${mode} lets every user on the node read it`, 'use mode 0600');
  }
  return defaultDecision(normalizeModes(input), { replaceOn: ['node', 'path'] });
}

function requests(attrs: Attrs, rc: ReadContext) {
  const path = str(attrs, 'path');
  // The content is always read back: per-variable drift needs it, and diffs mask the secret variables.
  return path ? [fileRequest(path, { ...rc, sensitive: [] })] : [];
}

function read(address: string, attrs: Attrs, facts: Facts, rc: ReadContext): Observed | undefined {
  const path = str(attrs, 'path')!;
  const fact = fileFact(facts(fileRequest(path, { ...rc, sensitive: [] })));
  if (fact.state === 'missing') return undefined;
  if (fact.state === 'conflict') return { address, type: NODE_ENV_FILE_TYPE, id: path, attributes: { node: str(attrs, 'node')!, path }, status: 'conflict', notes: [`${path} is a ${fact.what}`] };
  const variables = fact.content === undefined ? {} : parseEnv(fact.content);
  return { address, type: NODE_ENV_FILE_TYPE, id: path, attributes: { node: str(attrs, 'node')!, path, owner: fact.owner, group: fact.group, mode: fact.mode, variables } };
}

async function removeOld(ctx: ProviderContext, op: ApplyOp, old: { [key: string]: Json }): Promise<void> {
  if (typeof old.node !== 'string' || typeof old.path !== 'string') return;
  const path = old.path;
  await onNode(ctx, op.address, old.node, (t) => t.execOrThrow(removeFile(path)));
}

async function writeEnvFile(ctx: ProviderContext, op: ApplyOp): Promise<Applied> {
  const a = parseAttributes(schema, op);
  const content = formatEnv(a.variables);
  progress(ctx, op.address, `writing ${a.path}`);
  await onNode(ctx, op.address, a.node, (t) => t.put(a.path, content, { mode: parseInt(a.mode, 8), owner: a.owner, group: a.group }));
  return { id: a.path, attributes: a as unknown as Json, outputs: { path: a.path, sha256: sha256(content) } };
}

export const nodeEnvFile = {
  type: NODE_ENV_FILE_TYPE,
  plan,
  apply: removingOld(removeOld, writeEnvFile),
  recordOutputs: (o: Observed) => ({ path: o.id ?? null, sha256: null }),
  requests,
  read,
} satisfies NodeResourceType;
