/**
 * Files on a node compared by content hash: the probe returns sha256, mode and owner (and the text of
 * small, non-secret files, so a plan can show a unified diff). Shared by node_file and systemd_unit.
 */
import { sha256 } from '../../planner/hash.js';
import type { Json, Value } from '../../planner/expr.js';
import { ProviderError, type ApplyAction, type Observed, type PlanInput } from '../../planner/resource.js';
import { fileFact, type FileFact } from './facts.js';
import { matchesPath } from '../../planner/diff.js';
import type { Facts, ReadContext } from './node-type.js';
import type { ProbeRequest } from './probe.js';

/** Observed.status of a path where something other than a regular file is. */
export const CONFLICT = 'conflict';

export function fileRequest(path: string, rc: ReadContext): ProbeRequest {
  return { kind: 'file', path, content: !matchesPath('content', rc.sensitive) };
}

/** Observed attributes `{…identity, owner, group, mode, sha256, content?}`, or undefined when absent. */
export function readLiveFile(address: string, type: string, identity: { [key: string]: Json }, facts: Facts, path: string, rc: ReadContext): Observed | undefined {
  const fact: FileFact = fileFact(facts(fileRequest(path, rc)));
  if (fact.state === 'missing') return undefined;
  if (fact.state === 'conflict') return { address, type, id: path, attributes: { ...identity }, status: CONFLICT, notes: [`${path} is a ${fact.what}, not a regular file`] };
  const attributes: { [key: string]: Json } = { ...identity, owner: fact.owner, group: fact.group, mode: fact.mode, sha256: fact.sha256 };
  if (fact.content !== undefined && !matchesPath('content', rc.sensitive)) attributes.content = fact.content;
  return { address, type, id: path, attributes };
}

const isObject = (v: Value | undefined): v is { [key: string]: Value } => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The live attributes in the desired shape: `content` is the wanted text when the hashes match (so an
 * unread large or secret file still compares equal), the live text when it was read, else a summary.
 */
export function comparableLive(live: Json, wanted: Value | undefined): Value {
  if (!isObject(live as Value)) return live as Value;
  const { sha256: liveHash, content, ...rest } = live as { [key: string]: Value };
  if (liveHash === undefined) return rest;
  const wantedContent = isObject(wanted) ? wanted.content : undefined;
  if (typeof wantedContent === 'string' && sha256(wantedContent) === liveHash) return { ...rest, content: wantedContent };
  if (typeof content === 'string') return { ...rest, content };
  return { ...rest, content: `(unread content, sha256 ${String(liveHash).slice(0, 16)}…)` };
}

/** A directory (or socket…) where a file should be is not something omnitron overwrites. */
export function refuseConflict(input: PlanInput, node: string): void {
  if (input.desired === undefined || input.unreadable || input.observed?.status !== CONFLICT) return;
  throw new ProviderError(input.address, `on node ${node}: ${input.observed.notes?.[0] ?? 'something else is at the path'}`, 'remove it by hand or choose another path');
}

/** The sha256 observe saw on the node. */
function liveSha256(observed: Observed | undefined): string | undefined {
  const live = observed?.attributes as { sha256?: unknown } | null | undefined;
  return typeof live?.sha256 === 'string' ? live.sha256 : undefined;
}

/** Whether apply uploads the content, or (the node already has it, with this sha256) only fixes owner and mode. */
export type FileSteps = { upload: true } | { upload: false; sha256: string };

/** Uploads unless an update finds the wanted sha256 on the node already; content not known until apply is uploaded. */
export function fileSteps(action: ApplyAction, observed: Observed | undefined, wantedSha256: string | undefined): FileSteps | undefined {
  if (action === 'delete') return undefined;
  const keep = action === 'update' && wantedSha256 !== undefined && liveSha256(observed) === wantedSha256;
  return keep ? { upload: false, sha256: wantedSha256 } : { upload: true };
}

/** A plan that kept the node's content must have planned exactly the content apply resolved. */
export function checkKeptContent(address: string, steps: FileSteps, contentSha256: string): void {
  if (!steps.upload && steps.sha256 !== contentSha256) {
    throw new Error(`internal: ${address} was planned to keep content ${steps.sha256.slice(0, 12)}…, but apply resolved other content; please report`);
  }
}

/** The sha256 of the desired `content`, when it is known at plan time. */
export function contentSha256(desired: Value | undefined): string | undefined {
  const content = isObject(desired) ? desired.content : undefined;
  return typeof content === 'string' ? sha256(content) : undefined;
}
