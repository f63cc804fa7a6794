/**
 * `node_command`: a service's `bareMetal.installCommand`, run once. Its `unless` command (the
 * service's validateCommand) is run by the probe, never as root (as `unlessUser`, the service's
 * user, when that account exists, else as nobody); when it succeeds the install is satisfied. Both
 * are shell command strings by definition (config writes them so) and run as `sh -c <command>`; the
 * install command runs as root, at apply only.
 */
import * as z from 'zod';
import type { Json } from '../../planner/expr.js';
import type { ApplyOp, Applied, Decision, Observed, PlanInput, ProviderContext } from '../../planner/resource.js';
import { commandFact } from './facts.js';
import { checkRequest } from './version-check.js';
import { nodeName, onNode, progress, str, type Attrs, type Facts, type NodeResourceType, type ReadContext } from './node-type.js';
import { parseAttributes } from '../parse-attributes.js';

export const NODE_COMMAND_TYPE = 'node_command';

const schema = z.object({ node: nodeName, command: z.string().min(1), unless: z.string().min(1).optional(), unlessUser: z.string().min(1).optional() });

export const shell = (command: string): string[] => ['sh', '-c', command];

function requests(attrs: Attrs, rc: ReadContext) {
  const unless = str(attrs, 'unless');
  return unless && rc.desired ? [checkRequest(unless, str(attrs, 'unlessUser'))] : [];
}

function read(address: string, attrs: Attrs, facts: Facts, rc: ReadContext): Observed | undefined {
  const unless = str(attrs, 'unless');
  if (!unless || !rc.desired) return undefined;
  const fact = commandFact(facts(checkRequest(unless, str(attrs, 'unlessUser'))));
  return fact.code === 0 ? { address, type: NODE_COMMAND_TYPE, attributes: { node: str(attrs, 'node')!, command: str(attrs, 'command')!, unless, ...(str(attrs, 'unlessUser') ? { unlessUser: str(attrs, 'unlessUser')! } : {}) } } : undefined;
}

function plan(input: PlanInput): Decision {
  if (input.desired === undefined) return input.prior ? { action: 'delete', reason: 'no longer in config (nothing is undone on the node)' } : { action: 'noop', reason: 'already gone' };
  const unless = (input.desired as { unless?: string }).unless;
  // Recorded again when state predates the `installed` output, which a version check waits on.
  const outdated = !input.prior || input.prior.outputs.installed !== true;
  if (input.observed) return { action: 'noop', reason: `\`${unless}\` succeeds`, ...(outdated ? { record: true } : {}) };
  if (!unless && input.prior && JSON.stringify(input.prior.attributes) === JSON.stringify(input.desired)) return { action: 'noop', reason: 'ran before' };
  return { action: 'create', reason: unless ? `\`${unless}\` fails` : 'not run yet' };
}

async function apply(ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  if (op.action === 'delete') return undefined;
  const a = parseAttributes(schema, op);
  progress(ctx, op.address, `running the install command on node ${a.node}`);
  await onNode(ctx, op.address, a.node, (t) => t.execOrThrow(shell(a.command), { label: 'installCommand' }));
  return { attributes: a as unknown as Json, outputs: INSTALLED };
}

/** What a version check of the service refers to, so it runs only after the install. */
const INSTALLED = { installed: true };

export const nodeCommand = { type: NODE_COMMAND_TYPE, plan, apply, recordOutputs: () => INSTALLED, requests, read } satisfies NodeResourceType;
