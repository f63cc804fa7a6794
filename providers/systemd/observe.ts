/**
 * Observe in O(nodes): the resources of a stack are grouped by node, and each node answers one probe
 * (a single exec) carrying every request of every resource on it, at most NODES_AT_ONCE nodes at a
 * time. A node that cannot be reached or probed makes each of its addresses unreadable with the cause
 * (the plan then trusts state); the other nodes are observed as usual. Resources are known only by
 * address, from config and state: nothing on a node is scanned for orphans.
 */
import { resolve, type Value } from '../../planner/expr.js';
import type { Observed, ObservedSet, ObserveRequest, ProviderContext, Scope } from '../../planner/resource.js';
import { Limiter } from '../ssh/limiter.js';
import { timed } from '../../planner/timing.js';
import { FactError, markerFact } from './facts.js';
import { markerPath, ownerFromMarker } from './owner-marker.js';
import type { Attrs, NodeResourceType, ReadContext } from './node-type.js';
import { encodeRequests, parseProbeOutput, probeCommand, requestKey, type ProbeRequest, type RawAnswer } from './probe.js';

// As many nodes at once as apply works on by default (Terraform's parallelism): a plan of ten nodes is one
// wave of connections, not three.
const NODES_AT_ONCE = 10;
const STDERR_SHOWN = 1_000;

export interface Target {
  address: string;
  type: NodeResourceType;
  node: string;
  attrs: Attrs;
  rc: ReadContext;
}

const isAttrs = (v: Value): v is Attrs => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every resource of ours with a known node, grouped by node: desired ones as config wants them, the rest as state remembers them. */
export function collectTargets(request: ObserveRequest, types: ReadonlyMap<string, NodeResourceType>): Map<string, Target[]> {
  const byNode = new Map<string, Target[]>();
  const add = (t: Target) => byNode.set(t.node, [...(byNode.get(t.node) ?? []), t]);
  const priorOf = new Map(request.prior.map((r) => [r.address, r]));
  const priorSensitive = (address: string) => (priorOf.get(address)?.sensitive ?? []).filter((p) => p.startsWith('attributes.')).map((p) => p.slice('attributes.'.length));
  for (const d of request.desired) {
    const type = types.get(d.type);
    const attrs = resolve(d.attributes, request.lookup);
    if (!type || !isAttrs(attrs) || typeof attrs.node !== 'string') continue;
    add({ address: d.address, type, node: attrs.node, attrs, rc: { sensitive: [...d.sensitive, ...priorSensitive(d.address)], desired: true } });
  }
  const desired = new Set(request.desired.map((d) => d.address));
  for (const r of request.prior) {
    const type = types.get(r.type);
    const attrs = r.attributes as Value;
    if (desired.has(r.address) || !type || !isAttrs(attrs) || typeof attrs.node !== 'string') continue;
    add({ address: r.address, type, node: attrs.node, attrs, rc: { sensitive: priorSensitive(r.address), desired: false } });
  }
  return byNode;
}

/** Each distinct request once, in first-asked order; claimed objects also ask for their ownership marker. */
export function plannedRequests(targets: readonly Target[]): ProbeRequest[] {
  const unique = new Map<string, ProbeRequest>();
  for (const t of targets) {
    for (const r of t.type.requests(t.attrs, t.rc)) unique.set(requestKey(r), r);
    const marker = markerRequest(t);
    if (marker) unique.set(requestKey(marker), marker);
  }
  return [...unique.values()];
}

function markerRequest(t: Target): ProbeRequest | undefined {
  const identity = t.type.identity?.(t.attrs);
  return identity && { kind: 'marker', path: markerPath(identity) };
}

/** Who made a claimed object, from its marker; the rest say nothing about ownership. */
function withOwner(observed: Observed, t: Target, facts: (r: ProbeRequest) => RawAnswer, scope: Scope): Observed {
  const identity = t.type.identity?.(t.attrs);
  const marker = markerRequest(t);
  if (!identity || !marker) return observed;
  const owner = ownerFromMarker(markerFact(facts(marker)), identity, scope);
  return owner ? { ...observed, owner } : observed;
}

async function probe(ctx: ProviderContext, node: string, requests: ProbeRequest[]): Promise<RawAnswer[]> {
  if (requests.length === 0) return [];
  const transport = await ctx.clients.transport(node);
  const result = await timed(`probe node ${node} (${requests.length} requests)`, () => transport.exec(probeCommand(), { stdin: encodeRequests(requests), label: 'the omnitron probe', signal: ctx.signal }));
  if (result.code !== 0) throw new Error(`the probe exited with ${result.code}: ${result.stderr.trim().slice(-STDERR_SHOWN)}`);
  return parseProbeOutput(result.stdout, requests.length);
}

function cause(node: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.includes(`node ${node}`) ? message : `cannot observe node ${node}: ${message}`;
}

async function observeNode(ctx: ProviderContext, node: string, targets: Target[], into: ObservedSet): Promise<void> {
  const requests = plannedRequests(targets);
  let answers: RawAnswer[];
  try {
    answers = await probe(ctx, node, requests);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    for (const t of targets) into.unreadable.set(t.address, cause(node, err));
    return;
  }
  const index = new Map(requests.map((r, i) => [requestKey(r), i]));
  const facts = (r: ProbeRequest): RawAnswer => {
    const i = index.get(requestKey(r));
    if (i === undefined) throw new Error(`internal: ${r.kind} was read but never requested (please report)`);
    return answers[i];
  };
  for (const t of targets) {
    try {
      const observed = t.type.read(t.address, t.attrs, facts, t.rc);
      if (observed) into.objects.set(t.address, withOwner(observed, t, facts, ctx.scope));
    } catch (err) {
      if (!(err instanceof FactError)) throw err;
      into.unreadable.set(t.address, `node ${node}: ${err.message}`);
    }
  }
}

export function createObserve(types: readonly NodeResourceType[]) {
  const byType = new Map(types.map((t) => [t.type, t]));
  return async function observeSystemd(ctx: ProviderContext, request: ObserveRequest): Promise<ObservedSet> {
    const set: ObservedSet = { objects: new Map(), unreadable: new Map() };
    const limiter = new Limiter(NODES_AT_ONCE);
    const byNode = collectTargets(request, byType);
    await Promise.all([...byNode].map(([node, targets]) => limiter.run(() => observeNode(ctx, node, targets, set))));
    return set;
  };
}
