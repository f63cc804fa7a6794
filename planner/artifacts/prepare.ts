/**
 * Everything a remote stack ships to its nodes, prepared before planning so the plan itself stays a
 * pure function: the Node runtime, the agent bundle, and one release tarball per app. Planning only
 * computes the releases' digests; apply writes the tarballs it ships (`writePlannedReleases`).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../diagnostics.js';
import type { StackModel } from '../config/model.js';
import type { StackScope } from '../resource.js';
import type { NodeArtifacts } from '../desired/node-apps.js';
import { planRelease, writeRelease } from './app-release.js';
import type { Plan } from '../change.js';
import { nodeRuntimeFor, ownMachine, supportedMachine, type NodeRuntimeArtifact } from './node-runtime.js';

/** The bundled agent (`npm run build`), beside this module in dist/. */
export const AGENT_BUNDLE = fileURLToPath(new URL('../../runtime/agent.bundle.mjs', import.meta.url));

/** OMNITRON_AGENT_BUNDLE ships another agent build (a patched agent, or an upgrade rehearsal) instead of this one's. */
export async function agentBundleArtifact(file = process.env.OMNITRON_AGENT_BUNDLE || AGENT_BUNDLE): Promise<NodeArtifacts['agent']> {
  const bundle = path.resolve(file);
  const bytes = await readFile(bundle).catch(() => {
    throw new UserError(file === AGENT_BUNDLE
      ? { severity: 'error', summary: 'the agent bundle is missing from this omnitron build', detail: 'Run `npm run build` in the omnitron checkout.' }
      : { severity: 'error', summary: `OMNITRON_AGENT_BUNDLE=${file} cannot be read`, detail: 'Point it at an agent.bundle.mjs, or unset it to use the agent of this omnitron build.' });
  });
  return { sha256: createHash('sha256').update(bytes).digest('hex'), path: bundle };
}

/**
 * `machines`: each node's `uname -m`, once the plan has connected (a node not in it is taken to be
 * this machine's type, e.g. for `omnitron graph`, which connects to nothing).
 */
export async function prepareNodeArtifacts(model: StackModel, scope: StackScope, machines: Promise<ReadonlyMap<string, string>> = Promise.resolve(new Map())): Promise<NodeArtifacts> {
  const outDir = path.join(scope.stackDir, 'artifacts');
  const [runtimes, agent, releases] = await Promise.all([
    machines.then((m) => nodeRuntimes(model, m)),
    agentBundleArtifact(),
    Promise.all(model.apps.map(async (app) => [app.name, await planRelease(app.name, app.root, outDir)] as const)),
  ]);
  return { runtimes, agent, releases: new Map(releases) };
}

async function nodeRuntimes(model: StackModel, machines: ReadonlyMap<string, string>): Promise<Map<string, NodeRuntimeArtifact>> {
  // A node that runs no apps was not asked; it needs no binary, and this machine's costs nothing.
  const machineOf = new Map(model.stack.nodes.map((n) => [n.name, machines.get(n.name) ?? ownMachine()]));
  const unsupported = [...machineOf].filter(([, m]) => !supportedMachine(m));
  if (unsupported.length > 0) {
    throw new UserError({
      severity: 'error', summary: `no Node 24 build for ${unsupported.map(([n, m]) => `node ${n} (${m})`).join(', ')}`,
      detail: 'omnitron ships Node for x86_64 and aarch64 nodes; run the apps on those, or move this node out of the stack.',
    });
  }
  const byMachine = new Map(await Promise.all([...new Set(machineOf.values())].map(async (m) => [m, await nodeRuntimeFor(m)] as const)));
  return new Map([...machineOf].map(([node, m]) => [node, byMachine.get(m)!]));
}

/** Writes the release tarballs the plan's app_release changes upload, from the apps as they are now. */
export async function writePlannedReleases(plan: Plan, model: StackModel): Promise<void> {
  const roots = new Map(model.apps.map((a) => [a.name, a.root]));
  const wanted = new Map<string, { app: string; sha256: string; path: string }>();
  for (const c of plan.changes) {
    if (c.type !== 'app_release' || (c.action !== 'create' && c.action !== 'update' && c.action !== 'replace')) continue;
    if ((c.steps as { upload?: unknown } | undefined)?.upload === false) continue;
    const { app, release, source } = (c.desired.attributes ?? {}) as { app?: unknown; release?: unknown; source?: unknown };
    if (typeof app === 'string' && typeof release === 'string' && typeof source === 'string') wanted.set(source, { app, sha256: release, path: source });
  }
  for (const r of wanted.values()) {
    const root = roots.get(r.app);
    if (!root) throw new UserError({ severity: 'error', summary: `the plan ships app "${r.app}", which the configuration no longer has`, detail: 'Make a fresh plan and apply that.' });
    await writeRelease(r.app, root, r);
  }
}
