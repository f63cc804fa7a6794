/**
 * `app_release`: an app's build output (and its node_modules) as `<root>/releases/<release digest>`, with
 * `<root>/current` switched to it atomically (a symlink under a temporary name renamed over the old
 * one). The release current pointed at before is kept for rollback; older ones are pruned. A release
 * directory already on the node is never uploaded again, so rolling back is a switch only.
 */
import path from 'node:path';
import * as z from 'zod';
import type { DiffOptions } from '../../planner/diff.js';
import type { Json } from '../../planner/expr.js';
import { plannedSteps, ProviderError, type ApplyAction, type ApplyOp, type Applied, type Decision, type Observed, type PlanInput, type ProviderContext, type StateRecord } from '../../planner/resource.js';
import type { Transport } from '../../planner/transport.js';
import { extractRelease, switchRelease } from './commands.js';
import { fileSha256 } from '../../planner/artifacts/app-release.js';
import { releaseFact } from './facts.js';
import { CONFLICT, refuseConflict } from './live-file.js';
import { absolutePath, accountName, nodeName, onNode, progress, removingOld, runScript, str, type Attrs, type Facts, type NodeResourceType } from './node-type.js';
import { parseAttributes } from '../parse-attributes.js';
import { planAgainstLive } from './plan-live.js';
import type { ProbeRequest } from './probe.js';

export const APP_RELEASE_TYPE = 'app_release';
const OPTIONS: DiffOptions = { replaceOn: ['node', 'root'], ignore: ['source', 'owner', 'releases', 'machine'] };
const RELEASE = /^[0-9a-f]{64}$/;

// Deleting runs `rm -rf root`: refuse a root so shallow that a typo would wipe a system directory.
const releaseRoot = absolutePath.refine((p) => p.split('/').length >= 3, { message: 'must be at least two levels deep, e.g. /opt/omnitron/apps/<app>' });
const schema = z.object({
  node: nodeName, app: z.string().min(1), root: releaseRoot, release: z.string().regex(RELEASE, 'must be the hex sha256 of the tarball'),
  source: z.string().min(1), owner: accountName,
  /** The machine type (`uname -m`) the release's dependencies were installed for. */
  machine: z.string().min(1).optional(),
});
type Attributes = z.infer<typeof schema>;

export function planAppRelease(input: PlanInput): Decision {
  refuseConflict(input, str((input.desired ?? {}) as Attrs, 'node') ?? '?');
  const decision = planAgainstLive(input, OPTIONS);
  const running = observedReleases(input.observed).current;
  const wanted = str((input.desired ?? {}) as Attrs, 'release');
  // A rollback (the agent's, seen as a change outside omnitron, or `omnitron rollback`, recorded) leaves another release running than config asks for.
  const rolledBack = decision.reason === 'changed outside omnitron' || typeof input.prior?.outputs.rolledBackFrom === 'string';
  if (decision.action === 'update' && rolledBack && running && wanted && running !== wanted && decision.diffs.every((d) => d.path === 'release')) {
    return { ...decision, reason: `the config's release ${wanted.slice(0, 12)} differs from the release that runs, ${running.slice(0, 12)}` };
  }
  return decision;
}

function requests(attrs: Attrs): ProbeRequest[] {
  const root = str(attrs, 'root');
  return root ? [{ kind: 'release', root }] : [];
}

function read(address: string, attrs: Attrs, facts: Facts): Observed | undefined {
  const root = str(attrs, 'root')!;
  const identity = { node: str(attrs, 'node')!, app: str(attrs, 'app') ?? '', root };
  const fact = releaseFact(facts({ kind: 'release', root }));
  if (fact.state === 'missing') return undefined;
  if (fact.state === 'conflict') return { address, type: APP_RELEASE_TYPE, id: root, attributes: identity, status: CONFLICT, notes: [`${root} is a ${fact.what}, not a directory`] };
  const current = fact.current ? path.posix.basename(fact.current) : undefined;
  const releases = fact.releases.filter((r) => RELEASE.test(r));
  // current pointing at a release directory that is gone is no release at all.
  const release = current && releases.includes(current) ? current : null;
  const notes = current && !release ? [`current points at ${fact.current}, which is missing`] : [];
  return { address, type: APP_RELEASE_TYPE, id: root, attributes: { ...identity, release, releases }, notes };
}

function observedReleases(observed: Observed | undefined): { current?: string; releases: string[] } {
  const live = observed?.attributes as { release?: unknown; releases?: unknown } | null | undefined;
  const releases = Array.isArray(live?.releases) ? live.releases.filter((r): r is string => typeof r === 'string') : [];
  return { ...(typeof live?.release === 'string' ? { current: live.release } : {}), releases };
}

/** The release to keep beside the new one: what current pointed at, or (when it already is the new one) the recorded previous. */
function previousOf(prior: StateRecord | undefined, release: string | undefined, current: string | undefined): string | undefined {
  if (current && current !== release) return current;
  const recorded = prior?.outputs.previous;
  return typeof recorded === 'string' && recorded !== release ? recorded : undefined;
}

/** Whether apply uploads the release (a rollback to one on the node is a switch only), and the release it keeps for rollback. */
export type ReleaseSteps = { upload: boolean; previous: string | null };

export function planReleaseSteps(action: ApplyAction, input: PlanInput): ReleaseSteps | undefined {
  if (action === 'delete') return undefined;
  const release = str((input.desired ?? {}) as Attrs, 'release');
  // A replace removes the old root first: nothing there is kept.
  const live = action === 'replace' ? { releases: [] } : observedReleases(input.observed);
  return { upload: release === undefined || !live.releases.includes(release), previous: previousOf(input.prior, release, live.current) ?? null };
}

async function uploadRelease(ctx: ProviderContext, op: ApplyOp, t: Transport, a: Attributes): Promise<void> {
  const uploaded = `${a.root}/releases/.${a.release}.tar.gz`;
  progress(ctx, op.address, `uploading release ${a.release.slice(0, 12)} of ${a.app}`);
  const tarball = await fileSha256(a.source);
  await t.put(uploaded, { localPath: a.source }, { mode: 0o600 });
  await runScript(t, extractRelease(uploaded, a.root, a.release, tarball, a.owner));
}

async function removeRoot(ctx: ProviderContext, op: ApplyOp, old: { [key: string]: Json }): Promise<void> {
  if (typeof old.node !== 'string' || typeof old.root !== 'string') return;
  const root = old.root;
  if (!releaseRoot.safeParse(root).success) throw new ProviderError(op.address, `refusing to remove ${root}: not an app release root`);
  progress(ctx, op.address, `removing ${root}`);
  await onNode(ctx, op.address, old.node, (t) => t.execOrThrow(['rm', '-rf', '--', root]));
}

async function switchToRelease(ctx: ProviderContext, op: ApplyOp<ReleaseSteps>): Promise<Applied> {
  const a = parseAttributes(schema, op);
  const { upload, previous } = plannedSteps(op);
  await onNode(ctx, op.address, a.node, async (t) => {
    if (upload) await uploadRelease(ctx, op, t, a);
    progress(ctx, op.address, `switching ${a.root}/current to ${a.release.slice(0, 12)}`);
    await runScript(t, switchRelease(a.root, a.release, previous ?? ''));
  });
  return { id: a.root, attributes: a, outputs: { current: a.release, previous } };
}

export const appRelease = {
  type: APP_RELEASE_TYPE,
  plan: planAppRelease,
  planSteps: planReleaseSteps,
  recordOutputs: (o: Observed) => ({ current: (o.attributes as { release: Json }).release, previous: null }),
  apply: removingOld(removeRoot, switchToRelease),
  requests,
  read,
} satisfies NodeResourceType<ReleaseSteps>;
