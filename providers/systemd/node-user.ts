/**
 * `node_user`: a local account (with its own group). Home and shell change in place (usermod, the
 * home is not moved); `system` only matters when the account is created, since no tool turns a
 * regular account into a system one. Delete removes the account, never its home.
 */
import * as z from 'zod';
import type { DiffOptions } from '../../planner/diff.js';
import type { Json } from '../../planner/expr.js';
import type { ApplyOp, Applied, Decision, Observed, PlanInput, ProviderContext } from '../../planner/resource.js';
import { useradd, userdel, usermod } from './commands.js';
import { userFact } from './facts.js';
import { absolutePath, accountName, nodeName, onNode, progress, removingOld, str, type Attrs, type Facts, type NodeResourceType } from './node-type.js';
import { parseAttributes } from '../parse-attributes.js';
import { planAgainstLive } from './plan-live.js';
import type { ProbeRequest } from './probe.js';

export const NODE_USER_TYPE = 'node_user';
/** Debian's SYS_UID_MAX: accounts below this uid are system accounts. */
const FIRST_REGULAR_UID = 1000;
const OPTIONS: DiffOptions = { replaceOn: ['node', 'name'], ignore: ['system'] };

const schema = z.object({ node: nodeName, name: accountName, home: absolutePath, shell: absolutePath, system: z.boolean() });

export function planNodeUser(input: PlanInput): Decision {
  return planAgainstLive(input, OPTIONS);
}

function requests(attrs: Attrs): ProbeRequest[] {
  const name = str(attrs, 'name');
  return name ? [{ kind: 'user', name }] : [];
}

function read(address: string, attrs: Attrs, facts: Facts): Observed | undefined {
  const fact = userFact(facts({ kind: 'user', name: str(attrs, 'name')! }));
  if (fact.state === 'missing') return undefined;
  return {
    address, type: NODE_USER_TYPE, id: fact.name,
    attributes: { node: str(attrs, 'node')!, name: fact.name, home: fact.home, shell: fact.shell, system: fact.uid < FIRST_REGULAR_UID },
    notes: [`uid ${fact.uid}, gid ${fact.gid}`],
  };
}

async function removeOld(ctx: ProviderContext, op: ApplyOp, old: { [key: string]: Json }): Promise<void> {
  if (typeof old.node !== 'string' || typeof old.name !== 'string') return;
  const name = old.name;
  progress(ctx, op.address, `removing user ${name} (its home is kept)`);
  await onNode(ctx, op.address, old.node, (t) => t.execOrThrow(userdel(name)));
}

async function putUser(ctx: ProviderContext, op: ApplyOp): Promise<Applied> {
  const a = parseAttributes(schema, op);
  const argv = op.action === 'update' ? usermod(a) : useradd(a);
  progress(ctx, op.address, `${argv[0]} ${a.name}`);
  await onNode(ctx, op.address, a.node, (t) => t.execOrThrow(argv));
  return { id: a.name, attributes: a, outputs: { name: a.name, home: a.home } };
}

export const nodeUser = {
  type: NODE_USER_TYPE,
  plan: planNodeUser,
  recordOutputs: (o: Observed) => ({ name: o.id ?? null, home: (o.attributes as { home: string }).home }),
  apply: removingOld(removeOld, putUser),
  requests,
  read,
} satisfies NodeResourceType;
