/**
 * Everything a remote stack ships to its nodes, prepared before planning so the plan itself stays a
 * pure function: the Node runtime, the agent bundle, and one release tarball per app. Planning only
 * computes the releases' digests; apply writes the tarballs it ships (`writePlannedReleases`).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { builtFile } from '../../contract/package-files.js';
import { UserError } from '../diagnostics.js';
import type { StackModel } from '../config/model.js';
import type { StackScope } from '../resource.js';
import type { NodeArtifacts } from '../desired/node-apps.js';
import { planRelease, writeRelease, type ReleaseSource } from './app-release.js';
import { readAppDependencies } from '../config/app-dependencies.js';
import type { AppSpec } from '../config/model.js';
import type { Plan } from '../change.js';
import { timed } from '../timing.js';
import { nodeRuntimeFor, ownMachine, supportedMachine, type NodeRuntimeArtifact } from './node-runtime.js';

/** The bundled agent (`npm run build`), beside this module in dist/. */
export const AGENT_BUNDLE = builtFile('runtime/agent.bundle.mjs');

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
  // A release with no platform-specific package has the same digest on every machine: it is digested
  // while the nodes are still being asked what they are.
  const early = new Map(model.apps.flatMap((app) => {
    const source = releaseSource(model, app, ownMachine());
    if (source.deps?.packages.some((p) => p.os || p.cpu)) return [];
    const digest = timed(`digest the release of app ${app.name}`, () => planRelease(source, outDir));
    digest.catch(() => undefined);
    return [[app.name, digest] as const];
  }));
  const [runtimes, agent, releases] = await Promise.all([
    machines.then((m) => nodeRuntimes(model, m)),
    timed('digest the agent bundle', () => agentBundleArtifact()),
    machines.then((m) => Promise.all(model.apps.map(async (app) => {
      const source = releaseSource(model, app, appMachine(model, app, m));
      const artifact = await (early.get(app.name) ?? timed(`digest the release of app ${app.name}`, () => planRelease(source, outDir)));
      return [app.name, { ...artifact, machine: source.machine }] as const;
    }))),
  ]);
  return { runtimes, agent, releases: new Map(releases) };
}

/** What an app's release is made of; its dependencies were checked with the stack (checkStackFiles). */
export function releaseSource(model: StackModel, app: AppSpec, machine: string): ReleaseSource {
  const read = readAppDependencies(app.name, app.root, model.root, { file: model.file, path: `apps[${app.index}]` });
  if (read.kind === 'error') throw new UserError(read.diagnostics);
  return { app: app.name, root: app.root, ...(read.kind === 'npm' ? { deps: read.deps } : {}), cacheDir: path.join(model.root, '.omnitron', 'cache'), machine };
}

/**
 * The machine type the app's dependencies are installed for: the app nodes' (this machine's when none
 * was asked). Packages built for some platforms only cannot serve nodes of different types at once.
 */
function appMachine(model: StackModel, app: AppSpec, machines: ReadonlyMap<string, string>): string {
  const kinds = [...new Set(machines.values())];
  if (kinds.length <= 1) return kinds[0] ?? ownMachine();
  const read = readAppDependencies(app.name, app.root, model.root, { file: model.file, path: `apps[${app.index}]` });
  const specific = read.kind === 'npm' ? read.deps.packages.filter((p) => p.os || p.cpu).map((p) => p.name) : [];
  if (specific.length === 0) return ownMachine();
  throw new UserError({
    severity: 'error', summary: `app "${app.name}" depends on packages built for some platforms only (${specific.join(', ')}), and the stack's app nodes are of different types (${kinds.join(', ')})`,
    detail: 'run the app on nodes of one machine type (stacks.NAME.nodes[].apps), or replace those packages with portable ones',
  });
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
  const apps = new Map(model.apps.map((a) => [a.name, a]));
  const wanted = new Map<string, { app: string; sha256: string; path: string; machine: string }>();
  for (const c of plan.changes) {
    if (c.type !== 'app_release' || (c.action !== 'create' && c.action !== 'update' && c.action !== 'replace')) continue;
    if ((c.steps as { upload?: unknown } | undefined)?.upload === false) continue;
    const { app, release, source, machine } = (c.desired.attributes ?? {}) as { app?: unknown; release?: unknown; source?: unknown; machine?: unknown };
    if (typeof app === 'string' && typeof release === 'string' && typeof source === 'string') wanted.set(source, { app, sha256: release, path: source, machine: typeof machine === 'string' ? machine : ownMachine() });
  }
  for (const r of wanted.values()) {
    const app = apps.get(r.app);
    if (!app) throw new UserError({ severity: 'error', summary: `the plan ships app "${r.app}", which the configuration no longer has`, detail: 'Make a fresh plan and apply that.' });
    await writeRelease(releaseSource(model, app, r.machine), r);
  }
}
