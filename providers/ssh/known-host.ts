/**
 * `ssh_known_host.<node>`: the host key omnitron trusts for a node. A key accepted with
 * --trust-new-hosts is recorded here on first use and pinned from then on; a node that later
 * presents another key is refused by the connection itself, before any plan.
 */
import { ProviderError, type Applied, type ApplyOp, type Decision, type Observed, type ObservedSet, type ObserveRequest, type PlanInput, type Provider, type ProviderContext, type ResourceType } from '../../planner/resource.js';
import type { Json } from '../../planner/expr.js';
import type { AcceptedHostKey } from './connection.js';

export const KNOWN_HOST_TYPE = 'ssh_known_host';

interface KnownHost { node: string; host: string; port: number; fingerprint?: string }

function plan(input: PlanInput): Decision {
  if (input.desired === undefined) return input.prior ? { action: 'delete', reason: 'node no longer in config (forgets its host key)' } : { action: 'noop', reason: 'already gone' };
  const seen = (input.observed?.attributes as KnownHost | undefined)?.fingerprint;
  const pinned = (input.prior?.outputs.fingerprint as string | undefined) ?? undefined;
  if (!input.observed) return pinned ? { action: 'noop', reason: `pinned ${pinned}` } : { action: 'noop', reason: 'node not reached yet' };
  if (pinned === seen) return { action: 'noop', reason: `pinned ${pinned}` };
  return { action: 'create', reason: `first connection: record host key ${seen}` };
}

async function apply(_ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  if (op.action === 'delete') return undefined;
  const fingerprint = (op.observed?.attributes as KnownHost | undefined)?.fingerprint;
  if (!fingerprint) throw new ProviderError(op.address, 'internal: no host key was observed for this node');
  return { attributes: op.attributes as Json, outputs: { fingerprint } };
}

export const sshKnownHost = {
  type: KNOWN_HOST_TYPE, plan, apply,
  keptByDestroy: 'host key pin kept while the node is in the config (forget it with `omnitron state rm ADDRESS`)',
} satisfies ResourceType;

async function observe(ctx: ProviderContext, request: ObserveRequest): Promise<ObservedSet> {
  const out: ObservedSet = { objects: new Map(), unreadable: new Map() };
  await Promise.all(request.desired.map(async (d) => {
    const attrs = d.attributes as unknown as KnownHost;
    try {
      const transport = await ctx.clients.transport(attrs.node);
      // Only SSH connections have a host key; checked by shape so this module does not load ssh2.
      const hostKey = (transport as { hostKey?: AcceptedHostKey }).hostKey;
      if (!hostKey) return;
      const observed: Observed = { address: d.address, type: KNOWN_HOST_TYPE, attributes: { ...attrs, fingerprint: hostKey.fingerprint } as unknown as Json };
      out.objects.set(d.address, observed);
    } catch (err) {
      out.unreadable.set(d.address, err instanceof Error ? err.message : String(err));
    }
  }));
  return out;
}

export const sshProvider: Provider = { name: 'ssh', types: [sshKnownHost], observe };
