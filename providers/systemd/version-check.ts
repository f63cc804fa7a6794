/**
 * `version_check`: a service's validateCommand (a shell command by definition, run as `sh -c`) must
 * print a version inside a semver range. Observe runs it inside the node probe; the plan fails with a
 * clear message when it does not hold. When the attributes reference something not applied yet (the
 * package that installs the program), the check is deferred to apply, after that dependency, and apply
 * runs it through the same probe request. Either way it never runs as root: as the service's `user`
 * when that account exists on the node and is not root, else as nobody (probe-script.ts).
 */
import * as z from 'zod';
import { matchesPath } from '../../planner/diff.js';
import { containsUnknown, type Value } from '../../planner/expr.js';
import { ProviderError, type ApplyOp, type Applied, type Decision, type Observed, type PlanInput, type ProviderContext } from '../../planner/resource.js';
import { commandFact, type CommandFact } from './facts.js';
import { nodeName, onNode, progress, str, type Attrs, type Facts, type NodeResourceType, type ReadContext } from './node-type.js';
import { parseAttributes } from '../parse-attributes.js';
import { encodeRequests, parseProbeOutput, probeCommand, type ProbeRequest } from './probe.js';
import type { Transport } from '../../planner/transport.js';
import { coercePrinted, findVersion, satisfiesRange } from './versions.js';

export const VERSION_CHECK_TYPE = 'version_check';
const STDERR_SHOWN = 1_000;

const schema = z.object({
  node: nodeName, service: z.string().min(1), command: z.string().min(1), range: z.string().min(1),
  /** The service's bareMetal.user: the account the command runs as when it exists (else nobody). */
  user: z.string().min(1).optional(),
  /** Any value referencing what must be applied before the check can run (e.g. the package's version output). */
  after: z.unknown().optional(),
});

interface Check { node: string; service: string; command: string; range: string; shownCommand: string }

/** The probe request that runs a validateCommand: as `user` when it exists and is not root, else as nobody. */
export const checkRequest = (command: string, user: string | undefined): ProbeRequest => ({ kind: 'command', command, ...(user ? { user } : {}) });

/** Runs one check at apply exactly as observe does at plan: the probe, with the command on stdin. */
export async function runCheck(t: Transport, request: ProbeRequest): Promise<CommandFact> {
  const result = await t.exec(probeCommand(), { stdin: encodeRequests([request]), label: 'the omnitron probe (a validateCommand)' });
  if (result.code !== 0) throw new ProviderError(t.address, `the probe exited with ${result.code}: ${result.stderr.trim().slice(-STDERR_SHOWN)}`);
  return commandFact(parseProbeOutput(result.stdout, 1)[0]);
}

const ranAs = (result: CommandFact) => (result.user ? ` (it runs as ${result.user}, not root)` : '');

/** The check's verdict on a command's result: the version found, or a ProviderError saying why not. */
export function judge(address: string, c: Check, result: CommandFact): { version: string } | ProviderError {
  const where = `on node ${c.node}: ${c.service} version check \`${c.shownCommand}\``;
  if (result.code !== 0) {
    const stderr = result.stderr.trim().slice(-STDERR_SHOWN);
    return new ProviderError(address, `${where} exited with ${result.code}${stderr ? `: ${stderr}` : ''}`, `is the service installed on the node, and validateCommand right${ranAs(result)}?`);
  }
  const version = findVersion(result.stdout) ?? findVersion(result.stderr);
  if (version === undefined) return new ProviderError(address, `${where} printed no version (x.y or x.y.z)`);
  const ok = satisfiesRange(version, c.range, coercePrinted);
  if (ok === undefined) return new ProviderError(address, `${c.service}: version range ${JSON.stringify(c.range)} is not a semver range`);
  if (!ok) return new ProviderError(address, `${where} printed ${c.service} ${version}, which does not satisfy ${c.range}`, `install a ${c.service} version matching ${c.range}, or change the range`);
  return { version };
}

/** Only a check config still wants, with every value known, runs (a removed one has nothing to check). */
function runnable(attrs: Attrs, rc: ReadContext): string | undefined {
  const command = str(attrs, 'command');
  return rc.desired && command && !containsUnknown(attrs as Value) ? command : undefined;
}

function requests(attrs: Attrs, rc: ReadContext): ProbeRequest[] {
  const command = runnable(attrs, rc);
  return command ? [checkRequest(command, str(attrs, 'user'))] : [];
}

function read(address: string, attrs: Attrs, facts: Facts, rc: ReadContext): Observed | undefined {
  const command = runnable(attrs, rc);
  if (!command) return undefined;
  const fact = commandFact(facts(checkRequest(command, str(attrs, 'user'))));
  return {
    address, type: VERSION_CHECK_TYPE, status: fact.code === 0 ? 'ok' : 'failed',
    attributes: { node: str(attrs, 'node')!, service: str(attrs, 'service') ?? '', code: fact.code, stdout: fact.stdout.slice(0, 4_096), stderr: fact.stderr.slice(-STDERR_SHOWN), ...(fact.user ? { user: fact.user } : {}) },
  };
}

function checkOf(desired: Value, sensitive: readonly string[]): Check {
  const d = desired as { [key: string]: Value };
  const command = String(d.command);
  return { node: String(d.node), service: String(d.service), command, range: String(d.range), shownCommand: matchesPath('command', sensitive) ? '(sensitive command)' : command };
}

function deferred(input: PlanInput, reason: string): Decision {
  return input.prior ? { action: 'update', reason, diffs: [] } : { action: 'create', reason };
}

export function planVersionCheck(input: PlanInput): Decision {
  const { desired, observed, prior, unreadable } = input;
  if (desired === undefined) return prior ? { action: 'delete', reason: 'no longer in config' } : { action: 'noop', reason: 'already gone' };
  if (containsUnknown(desired)) return deferred(input, 'checked during apply, after what it depends on');
  if (unreadable) return { action: 'noop', reason: `could not check (${unreadable})` };
  if (!observed) return deferred(input, 'not checked yet');
  const c = checkOf(desired, input.sensitive);
  const live = observed.attributes as { code: number; stdout: string; stderr: string; user?: string };
  const verdict = judge(input.address, c, live);
  if (verdict instanceof ProviderError) throw verdict;
  const reason = `${c.service} ${verdict.version} satisfies ${c.range}`;
  return prior ? { action: 'noop', reason } : { action: 'noop', reason, record: true };
}

async function applyVersionCheck(ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  if (op.action === 'delete') return undefined;
  const a = parseAttributes(schema, op);
  progress(ctx, op.address, `checking the ${a.service} version`);
  const result = await onNode(ctx, op.address, a.node, (t) => runCheck(t, checkRequest(a.command, a.user)));
  const verdict = judge(op.address, { ...a, shownCommand: a.command }, result);
  if (verdict instanceof ProviderError) throw verdict;
  return { attributes: { node: a.node, service: a.service, command: a.command, range: a.range, ...(a.user ? { user: a.user } : {}) }, outputs: { version: verdict.version } };
}

export const versionCheck = {
  type: VERSION_CHECK_TYPE,
  plan: planVersionCheck,
  recordOutputs: (o: Observed) => {
    const live = o.attributes as { stdout: string; stderr: string };
    return { version: findVersion(live.stdout) ?? findVersion(live.stderr) ?? null };
  },
  apply: applyVersionCheck,
  requests,
  read,
} satisfies NodeResourceType;
