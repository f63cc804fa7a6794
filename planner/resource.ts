/**
 * The provider seam. A provider owns a few resource types and one `observe` that reads everything it
 * needs for a stack in one batch. Resource types are plain objects `{ type, plan, apply }`; `plan` is
 * pure, `apply` executes what plan decided and decides nothing. Providers never print or exit: they
 * report progress through `ctx.emit` and fail by throwing (a ProviderError for things the operator
 * can fix, naming the object and the cause).
 */
import type Docker from 'dockerode';
import type { Transport } from './transport.js';
import type { Expr, Json, Value } from './expr.js';
import type { AttributeDiff } from './attribute-diff.js';
import type { Owner } from './owner.js';

/** Where a stack lives, known from the config alone. */
export interface StackScope {
  project: string;
  stack: string;
  /** Directory holding the config file; relative paths in config resolve against it. */
  root: string;
  /** Per-stack working directory for local artifacts (env files, state): `<root>/.omnitron/<stack>`. */
  stackDir: string;
}

/** The scope as providers see it: with the lineage of the state every object they create is stamped with. */
export interface Scope extends StackScope {
  lineage: string;
}

/** One resource the config asks for. Attributes may reference outputs of other resources. */
export interface DesiredResource {
  address: string;
  type: string;
  /** What the object should look like. */
  attributes: Expr;
  /** How to reach the server the object lives on (postgres connection, redis URL); not diffed. */
  connection?: Expr;
  /** Explicit ordering in addition to the references found in attributes/connection. */
  dependsOn: string[];
  /** Attribute paths (dot-separated, e.g. `env.POSTGRES_PASSWORD`) whose values must never be shown. */
  sensitive: string[];
  /** Seconds to wait for this resource to become healthy after create/replace, when it has a health notion. */
  startupTimeout?: number;
  /** Milliseconds this resource must stay healthy after apply before what waits on it goes on (a rolling deploy's `wait`). */
  holdAfter?: number;
  /** An app release in a rolling deploy: which app, and its node's batch of how many. */
  rollout?: { app: string; batch: number; batches: number };
}

/** What state remembers about one applied resource. Sensitive values are encrypted at rest by planner/state. */
export interface StateRecord {
  address: string;
  type: string;
  /** Provider id of the live object (container id, file path, role name). */
  id?: string;
  attributes: Json;
  outputs: Record<string, Json>;
  /** How to reach the object's server, unresolved (refs; a literal password is sealed like any secret), so a delete can still connect. */
  connection?: Expr;
  dependsOn: string[];
  /** Paths, prefixed `attributes.` or `outputs.`, whose values are secret. */
  sensitive: string[];
  /** Hash of the canonical applied attributes; also stamped on the live object where it can carry one. */
  hash: string;
  updatedAt: string;
  /** An apply was about to create this object and may have stopped before it did, or before it could record it. */
  intent?: true;
}

/** One live object as a provider found it. */
export interface Observed {
  address: string;
  type: string;
  id?: string;
  /** Live attributes in the same shape as the desired attributes, for field-by-field comparison. */
  attributes: Json;
  /** Config hash stamped on the object when it was created (label, comment), if any. */
  hash?: string;
  /** Who the object's stamp says made it; set by types whose objects are exclusively ours once created. */
  owner?: Owner;
  /** Short runtime status, e.g. `running`, `exited`, `unhealthy`. */
  status?: string;
  /** Anything the plan should mention about runtime condition, e.g. `restarted 14 times`. */
  notes?: string[];
  /** Apps this object supervises that are not running as configured (an agent's crash-looping or failed apps). */
  runtime?: RuntimeIssue[];
}

/** One supervised app that is not healthy: runtime drift, which a plan reports apart from changes. */
export interface RuntimeIssue {
  /** The node (or `local`) whose agent reported it. */
  target: string;
  app: string;
  /** The supervisor's state: failed, backoff, blocked, starting… or `agent failed`. */
  state: string;
  restarts: number;
  /** e.g. `exit code 1`, `signal SIGKILL`, `health check failing`. */
  lastExit?: string;
  detail?: string;
}

export interface ObserveRequest {
  scope: Scope;
  desired: DesiredResource[];
  prior: StateRecord[];
  /** Resolves outputs of prior state, so observe can reach servers created earlier (e.g. a postgres port). */
  lookup: (address: string, output: string) => Json | undefined;
}

export interface ObservedSet {
  /** Everything found, by address: desired, remembered, and owned-but-unknown (orphans). */
  objects: Map<string, Observed>;
  /** Addresses that could not be read, with why (server down, permission denied). Plan trusts state for them. */
  unreadable: Map<string, string>;
}

export interface PlanInput {
  address: string;
  /** Desired attributes with refs resolved as far as state allows (UNKNOWN where not). Absent: not in config. */
  desired?: Value;
  desiredHash?: string;
  prior?: StateRecord;
  /** Absent: not found live. */
  observed?: Observed;
  /** Set when the object could not be read; the plan then trusts `prior`. */
  unreadable?: string;
  sensitive: string[];
}

export type Decision =
  | { action: 'noop'; reason: string; record?: boolean }
  | { action: 'create'; reason: string }
  | { action: 'update'; reason: string; diffs: AttributeDiff[] }
  | { action: 'replace'; reason: string; diffs: AttributeDiff[]; forcedBy: string[] }
  | { action: 'delete'; reason: string };

export type ApplyAction = 'create' | 'update' | 'replace' | 'delete';

export interface ApplyOp<S extends Json = Json> {
  action: ApplyAction;
  address: string;
  /** Fully resolved desired attributes (absent for delete). */
  attributes?: Json;
  connection?: Json;
  hash?: string;
  prior?: StateRecord;
  observed?: Observed;
  startupTimeout?: number;
  /** Milliseconds the object must stay healthy after apply (see DesiredResource). */
  holdAfter?: number;
  /** What the type's planSteps decided at plan time; apply executes exactly this. */
  steps?: S;
}

export interface Applied {
  id?: string;
  attributes: Json;
  outputs: Record<string, Json>;
}

export type ProviderEvent =
  | { kind: 'progress'; address: string; message: string }
  | { kind: 'warning'; address: string; message: string };

export type DockerFilters = Record<string, string[]>;

/** What observing Docker reads: lists filtered by label, and inspects (404 rejects with statusCode 404). */
export interface DockerReads {
  listContainers(filters: DockerFilters): Promise<Docker.ContainerInfo[]>;
  listNetworks(filters: DockerFilters): Promise<Docker.NetworkInspectInfo[]>;
  listVolumes(filters: DockerFilters): Promise<Docker.VolumeInspectInfo[]>;
  inspectContainer(id: string): Promise<Docker.ContainerInspectInfo>;
  inspectImage(name: string): Promise<Docker.ImageInspectInfo>;
  inspectNetwork(name: string): Promise<Docker.NetworkInspectInfo>;
  inspectVolume(name: string): Promise<Docker.VolumeInspectInfo>;
}

export interface Clients {
  docker(): Docker;
  /** A lighter client for observing, where there is one; without it observing reads through docker(). */
  dockerReads?(): DockerReads;
  /** The transport to a stack node by its name (one SSH connection per node, held for the run). */
  transport(node: string): Promise<Transport>;
  /** A local port tunnelled through `node` to host:port as the node sees it (for pg, Redis). */
  forward(node: string, host: string, port: number): Promise<{ host: string; port: number }>;
  /** Reaches every node of the stack up front, failing with one message per unreachable node. */
  connectAll?(): Promise<void>;
}

export interface ProviderContext {
  scope: Scope;
  clients: Clients;
  signal: AbortSignal;
  emit(event: ProviderEvent): void;
}

export interface ResourceType<S extends Json = Json> {
  type: string;
  /**
   * Objects of this type belong to exactly one state: a create first records a durable intent, and an
   * object found live that this state did not make is refused at plan (see planner/ownership.ts).
   */
  claimsObjects?: boolean;
  /** Outputs holding secrets (e.g. random_password `result`); anything referencing them becomes sensitive. */
  sensitiveOutputs?: readonly string[];
  plan(input: PlanInput): Decision;
  /**
   * What apply is to do for the plan's final `action` (after --replace or a kept volume changed it),
   * decided now from what observe saw, like OpenTofu's planned private data: plain JSON that the
   * Change (and a saved plan) carries to ApplyOp.steps, never rendered. Undefined, or no planSteps
   * at all: apply has nothing to choose.
   */
  planSteps?(action: ApplyAction, input: PlanInput): S | undefined;
  /**
   * Set for records that are trust, not infrastructure (a node's pinned host key): `destroy` keeps them
   * while their config stays, so the next apply need not trust a key blindly again. Says why, for the plan.
   */
  keptByDestroy?: string;
  /** Outputs of an object found live that state had lost (a `record` no-op); types without it record none. */
  recordOutputs?(observed: Observed): Record<string, Json>;
  /** For create/update/replace returns the record to store; for delete returns undefined. */
  apply(ctx: ProviderContext, op: ApplyOp<S>): Promise<Applied | undefined>;
}

/** The steps planned for `op`: a type with planSteps is never applied without them. */
export function plannedSteps<S extends Json>(op: ApplyOp<S>): S {
  if (op.steps === undefined) throw new Error(`internal: ${op.address} reached apply without the steps its plan decided; please report`);
  return op.steps;
}

export interface Provider {
  name: string;
  types: readonly ResourceType[];
  observe(ctx: ProviderContext, request: ObserveRequest): Promise<ObservedSet>;
}

/** A failure the operator can act on: names the object and the cause; rendered without a stack trace. */
export class ProviderError extends Error {
  constructor(readonly address: string, message: string, readonly hint?: string) {
    super(message);
    this.name = 'ProviderError';
  }
}
