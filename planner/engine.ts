/**
 * The spine, as the CLI drives it: load the config for one stack, read prior state, observe the live
 * world once per provider, and make a plan. Applying is planner/apply.ts. Providers and clients are
 * passed in; the engine knows resource types only through the Provider interface.
 */
import path from 'node:path';
import { UserError, hasErrors, type Diagnostic } from './diagnostics.js';
import { loadEcosystem } from './config/load-ecosystem.js';
import { checkedStack } from './config/stack-checks.js';
import { findConfigFile } from './config/find-config.js';
import { configDigest } from './config/config-digest.js';
import { buildDesiredGraph } from './desired/desired-graph.js';
import { makePlan, type PlanRequest } from './plan.js';
import { prepareNodeArtifacts } from './artifacts/prepare.js';
import { nodeMachines } from './artifacts/node-machines.js';
import { place } from './config/placement.js';
import { nodeAddress } from './desired/addresses.js';
import { prepareLocalAgent } from './desired/local-agent.js';
import { closestMatch } from './config/did-you-mean.js';
import { checkEmptyApps } from './empty-stack.js';
import type { Ecosystem, StackModel } from './config/model.js';
import { withDevSettings } from './config/dev-settings.js';
import type { Plan } from './change.js';
import type { EventSink } from './events.js';
import type { Clients, DesiredResource, Observed, Provider, ProviderContext, ResourceType, Scope, StackScope, StateRecord } from './resource.js';
import { ownershipProblems } from './ownership.js';
import { timed } from './timing.js';
import type { RecordStore } from './apply.js';

export interface StackRequest {
  cwd: string;
  config?: string;
  stack?: string;
  strict?: boolean;
  /** `omnitron dev`: the apps' `dev` settings apply (dev-settings.ts). */
  dev?: boolean;
}

export interface LoadedStack {
  ecosystem: Ecosystem;
  model: StackModel;
  scope: StackScope;
  digest: string;
  /** Warnings (errors abort loading). */
  diagnostics: Diagnostic[];
}

export async function loadStack(req: StackRequest): Promise<LoadedStack> {
  const file = findConfigFile(req.cwd, req.config);
  const loaded = await loadEcosystem({ file, strict: req.strict ?? false });
  const diagnostics = [...loaded.diagnostics];
  if (!loaded.ecosystem || hasErrors(diagnostics)) throw new UserError(diagnostics.filter((d) => d.severity === 'error'));
  const resolved = checkedStack(loaded.ecosystem, req.stack);
  diagnostics.push(...resolved.diagnostics);
  if (!resolved.model || hasErrors(resolved.diagnostics)) throw new UserError(resolved.diagnostics.filter((d) => d.severity === 'error'));
  const eco = loaded.ecosystem;
  const model = req.dev ? withDevSettings(resolved.model) : resolved.model;
  const scope: StackScope = { project: eco.project, stack: model.stack.name, root: eco.root, stackDir: path.join(eco.root, '.omnitron', model.stack.name) };
  return { ecosystem: eco, model, scope, digest: configDigest(eco), diagnostics };
}

export interface Runtime {
  providers: readonly Provider[];
  clients: Clients;
  sink: EventSink;
  signal: AbortSignal;
}

export interface PlanOptions {
  mode: 'normal' | 'destroy';
  replace?: readonly string[];
  targets?: readonly string[];
  keepVolumes?: boolean;
  /** Plan even when the config runs no apps and state holds resources it would delete. */
  allowEmpty?: boolean;
}

export interface StoreView extends RecordStore {
  records(): StateRecord[];
  readonly lineage: string;
  readonly persistedSerial: number;
}

export function resourceTypes(providers: readonly Provider[]): Map<string, ResourceType> {
  return new Map(providers.flatMap((p) => p.types.map((t) => [t.type, t] as const)));
}

export async function planStack(stack: LoadedStack, store: StoreView, runtime: Runtime, opts: PlanOptions): Promise<Plan> {
  return makePlan(await observeStack(stack, store, runtime, opts));
}

/**
 * The config's resources for this stack, with what state says they depend on. `machines`: the app
 * nodes' machine types (`uname -m`), asked over fresh connections unless given.
 */
export async function desiredResources(stack: LoadedStack, prior: ReadonlyMap<string, StateRecord>, runtime: Runtime, machines?: Promise<ReadonlyMap<string, string>>): Promise<DesiredResource[]> {
  const remote = stack.model.stack.type !== 'local';
  // Packaging releases overlaps opening the SSH connections; the Node binary waits for each node's machine type.
  const artifacts = remote ? await timed('prepare node artifacts (releases, agent, Node runtime)', () => prepareNodeArtifacts(stack.model, stack.scope, machines ?? connectedMachines(stack, runtime))) : await prepareLocalAgent(stack.model);
  return timed('build the desired graph', async () => buildDesiredGraph(stack.model, prior, stack.scope, artifacts));
}

/** Everything the stack's providers see live, for the config's resources and state's. */
export function observeLive(stack: LoadedStack, store: StoreView, desired: DesiredResource[], prior: Map<string, StateRecord>, runtime: Runtime) {
  return observeAll(ownedScope(stack.scope, store), desired, prior, runtime);
}

/**
 * Everything a plan is made from (config, state, one observation of the live world), for makePlan and
 * the drift report. An object in the way that this state did not make stops it here, before any plan.
 */
export async function observeStack(stack: LoadedStack, store: StoreView, runtime: Runtime, opts: PlanOptions): Promise<PlanRequest> {
  const prior = new Map(store.records().map((r) => [r.address, r]));
  const observeFor = async (machines?: Promise<ReadonlyMap<string, string>>) => {
    const desired = await desiredResources(stack, prior, runtime, machines);
    const empty = opts.mode === 'normal' && !opts.allowEmpty ? checkEmptyApps(stack.model, desired, prior) : undefined;
    if (empty) throw new UserError(empty);
    checkAddresses('--target', opts.targets, desired, prior);
    checkAddresses('--replace', opts.replace, desired, prior);
    return { desired, ...await timed('observe', () => observeLive(stack, store, desired, prior, runtime)) };
  };
  const { desired, observed, unreadable } = await speculating(stack, prior, runtime, observeFor);
  if (opts.mode === 'normal') {
    const foreign = ownershipProblems(desired, prior, observed);
    if (foreign.length > 0) throw new UserError(foreign);
  }
  return {
    project: stack.scope.project, stack: stack.scope.stack, stackType: stack.model.stack.type, mode: opts.mode,
    desired, prior, observed, unreadable, types: resourceTypes(runtime.providers),
    replace: new Set(opts.replace ?? []), targets: new Set(opts.targets ?? []), keepVolumes: opts.keepVolumes ?? false,
    deployWait: stack.model.stack.deploy.wait,
    binding: { stateLineage: store.lineage, stateSerial: store.persistedSerial, configDigest: stack.digest },
    diagnostics: stack.diagnostics,
  };
}

/** The scope providers work in: objects they create are stamped with this state's lineage. */
export function ownedScope(scope: StackScope, store: Pick<StoreView, 'lineage'>): Scope {
  return { ...scope, lineage: store.lineage };
}

/** Only nodes that run apps get a Node binary, so only they are asked. */
async function connectedMachines(stack: LoadedStack, runtime: Runtime): Promise<Map<string, string>> {
  await timed('connect to every node', async () => runtime.clients.connectAll?.());
  return timed('ask app nodes their machine type', () => nodeMachines(appNodes(stack), (node) => runtime.clients.transport(node)));
}

function appNodes(stack: LoadedStack): string[] {
  return [...new Set([...place(stack.model).apps.values()].flat().map((n) => n.name))];
}

/**
 * Observes a remote stack without waiting for the nodes' machine types when state recorded them all
 * (every node's `uname -m` answer would otherwise sit on the plan's critical path): the machines are
 * asked meanwhile, and a node whose answer differs from the record (a reinstalled node) means the
 * work is done again with the real answers.
 */
async function speculating<T>(stack: LoadedStack, prior: ReadonlyMap<string, StateRecord>, runtime: Runtime, observeFor: (machines?: Promise<ReadonlyMap<string, string>>) => Promise<T>): Promise<T> {
  const recorded = stack.model.stack.type === 'local' ? undefined : recordedMachines(appNodes(stack), prior);
  if (!recorded) return observeFor();
  const asked = connectedMachines(stack, runtime);
  const [machines, guessed] = await Promise.allSettled([asked, observeFor(Promise.resolve(recorded))]);
  if (machines.status === 'rejected') throw machines.reason;
  if (sameMachines(recorded, machines.value)) {
    if (guessed.status === 'rejected') throw guessed.reason;
    return guessed.value;
  }
  return observeFor(Promise.resolve(machines.value));
}

/** Each app node's machine type as its Node binary's record has it; undefined unless every one has one. */
function recordedMachines(nodes: readonly string[], prior: ReadonlyMap<string, StateRecord>): Map<string, string> | undefined {
  const machines = new Map<string, string>();
  for (const node of nodes) {
    const machine = (prior.get(nodeAddress('node_artifact', node, 'node'))?.attributes as { machine?: unknown } | undefined)?.machine;
    if (typeof machine !== 'string') return undefined;
    machines.set(node, machine);
  }
  return machines;
}

function sameMachines(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([node, machine]) => b.get(node) === machine);
}

async function observeAll(scope: Scope, desired: DesiredResource[], prior: Map<string, StateRecord>, runtime: Runtime) {
  const observed = new Map<string, Observed>();
  const unreadable = new Map<string, string>();
  const ctx: ProviderContext = {
    scope, clients: runtime.clients, signal: runtime.signal,
    emit: (e) => runtime.sink({ type: 'warning', address: e.address, message: e.message }),
  };
  const lookup = (address: string, output: string) => prior.get(address)?.outputs[output];
  await Promise.all(runtime.providers.map(async (provider) => {
    const types = new Set(provider.types.map((t) => t.type));
    const mine = { desired: desired.filter((d) => types.has(d.type)), prior: [...prior.values()].filter((r) => types.has(r.type)) };
    // A provider with nothing to look at is not asked: a remote stack must not need Docker on the laptop.
    if (mine.desired.length === 0 && mine.prior.length === 0) return;
    const started = Date.now();
    runtime.sink({ type: 'refresh_start', provider: provider.name });
    const set = await timed(`observe ${provider.name}`, () => provider.observe(ctx, { scope, lookup, ...mine }));
    for (const [a, o] of set.objects) observed.set(a, o);
    for (const [a, why] of set.unreadable) unreadable.set(a, why);
    runtime.sink({ type: 'refresh_complete', provider: provider.name, objects: set.objects.size, ms: Date.now() - started });
  }));
  return { observed, unreadable };
}

function checkAddresses(flag: string, wanted: readonly string[] | undefined, desired: DesiredResource[], prior: Map<string, StateRecord>) {
  if (!wanted?.length) return;
  const known = [...new Set([...desired.map((d) => d.address), ...prior.keys()])];
  const bad = wanted.filter((a) => !known.includes(a));
  if (bad.length === 0) return;
  throw new UserError(bad.map((a) => {
    const guess = closestMatch(a, known);
    return {
      severity: 'error' as const,
      summary: `${flag} ${a}: no such resource in this stack${guess ? ` (did you mean "${guess}"?)` : ''}`,
      detail: 'Run `omnitron state list` or `omnitron plan` to see the addresses.',
    };
  }));
}
