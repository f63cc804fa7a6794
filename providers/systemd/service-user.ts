/**
 * `service_user`: the account a bare-metal service runs as (`bareMetal.user`), made a system account
 * with no login when the node has none. An account that exists is used as it is, never changed: the
 * service's package usually creates its own (redis, postgres), and other software may run as it. For
 * the same reason it is never removed; deleting only makes state forget it, as with packages.
 */
import * as z from 'zod';
import type { ApplyOp, Applied, Decision, Observed, PlanInput, ProviderContext } from '../../planner/resource.js';
import { ensureSystemUser } from './commands.js';
import { userFact } from './facts.js';
import { absolutePath, accountName, nodeName, onNode, progress, runScript, str, type Attrs, type Facts, type NodeResourceType } from './node-type.js';
import { parseAttributes } from '../parse-attributes.js';
import type { ProbeRequest } from './probe.js';

export const SERVICE_USER_TYPE = 'service_user';

const schema = z.object({ node: nodeName, name: accountName, home: absolutePath });

function requests(attrs: Attrs): ProbeRequest[] {
  const name = str(attrs, 'name');
  return name ? [{ kind: 'user', name }] : [];
}

function read(address: string, attrs: Attrs, facts: Facts): Observed | undefined {
  const fact = userFact(facts({ kind: 'user', name: str(attrs, 'name')! }));
  if (fact.state === 'missing') return undefined;
  return { address, type: SERVICE_USER_TYPE, id: fact.name, attributes: { node: str(attrs, 'node')!, name: fact.name }, notes: [`uid ${fact.uid}, gid ${fact.gid}`] };
}

export function planServiceUser(input: PlanInput): Decision {
  const { desired, observed, prior, unreadable } = input;
  if (desired === undefined) {
    return prior ? { action: 'delete', reason: 'no longer in config (accounts are never removed, state only forgets it)' } : { action: 'noop', reason: 'already gone' };
  }
  const name = String((desired as { name?: unknown }).name);
  if (unreadable) return prior ? { action: 'noop', reason: `could not read (${unreadable}); state says it exists` } : { action: 'create', reason: `not known to exist (${unreadable})` };
  if (!observed) return { action: 'create', reason: `no account ${name} on the node: created as a system account without login` };
  const reason = `account ${name} exists`;
  return prior ? { action: 'noop', reason } : { action: 'noop', reason, record: true };
}

async function applyServiceUser(ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  if (op.action === 'delete') return undefined;
  const a = parseAttributes(schema, op);
  progress(ctx, op.address, `making sure account ${a.name} exists`);
  // A package installed earlier in this apply may have made it since the plan looked.
  await onNode(ctx, op.address, a.node, (t) => runScript(t, ensureSystemUser(a.name, a.home)));
  return { id: a.name, attributes: { node: a.node, name: a.name }, outputs: { name: a.name } };
}

export const serviceUser = {
  type: SERVICE_USER_TYPE,
  plan: planServiceUser,
  recordOutputs: (o: Observed) => ({ name: o.id ?? null }),
  apply: applyServiceUser,
  requests,
  read,
} satisfies NodeResourceType;
