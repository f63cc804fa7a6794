/**
 * `apt_package`: a Debian package installed, its version (coerced to semver) inside an optional
 * range. apt can only install the candidate its sources offer, so an installed version outside the
 * range fails the plan instead of planning an install that could not fix it. Packages are never
 * removed: other software on the node may need them; deleting only makes state forget the package.
 */
import * as z from 'zod';
import semver from 'semver';
import type { Value } from '../../planner/expr.js';
import { ProviderError, type ApplyOp, type Applied, type Decision, type Observed, type PlanInput, type ProviderContext } from '../../planner/resource.js';
import type { Transport } from '../../planner/transport.js';
import { aptEnv, aptInstall, aptUpdate, installedVersion } from './commands.js';
import { packageFact } from './facts.js';
import { nodeName, onNode, progress, str, type Attrs, type Facts, type NodeResourceType } from './node-type.js';
import { parseAttributes } from '../parse-attributes.js';
import type { ProbeRequest } from './probe.js';
import { coerceDebianVersion, satisfiesRange } from './versions.js';

export const APT_PACKAGE_TYPE = 'apt_package';

/** Debian policy: lower case letters, digits, `+ - .`, at least two characters, starting alphanumeric. */
const packageName = z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, 'must be a Debian package name');
const schema = z.object({ node: nodeName, name: packageName, version: z.string().optional() });
type Attributes = z.infer<typeof schema>;

function requests(attrs: Attrs): ProbeRequest[] {
  const name = str(attrs, 'name');
  return name ? [{ kind: 'package', name }] : [];
}

function read(address: string, attrs: Attrs, facts: Facts): Observed | undefined {
  const fact = packageFact(facts({ kind: 'package', name: str(attrs, 'name')! }));
  if (fact.state === 'missing' || !fact.installed) return undefined;
  return { address, type: APT_PACKAGE_TYPE, id: str(attrs, 'name'), status: fact.status, attributes: { node: str(attrs, 'node')!, name: str(attrs, 'name')!, version: fact.version } };
}

function outsideRange(input: PlanInput, node: string, name: string, installed: string, range: string): ProviderError {
  return new ProviderError(input.address, `on node ${node}: package ${name} ${installed} is installed, which does not satisfy ${range}`,
    'apt installs only the version its sources offer: add a source that has a matching version and upgrade by hand, or change the range');
}

export function planAptPackage(input: PlanInput): Decision {
  const { desired, observed, prior, unreadable } = input;
  if (desired === undefined) {
    return prior || observed ? { action: 'delete', reason: 'no longer in config (packages are never removed, state only forgets it)' } : { action: 'noop', reason: 'already gone' };
  }
  const want = desired as { [key: string]: Value };
  const range = typeof want.version === 'string' ? want.version : undefined;
  if (range !== undefined && semver.validRange(range) === null) throw new ProviderError(input.address, `version ${JSON.stringify(range)} is not a semver range`, 'write it like ">=15", "^7.0" or "9.x"');
  if (unreadable) return prior ? { action: 'noop', reason: `could not read (${unreadable}); state says it is installed` } : { action: 'create', reason: `not known to be installed (${unreadable})` };
  if (!observed) return { action: 'create', reason: prior ? 'no longer installed' : 'not installed' };
  const installed = String((observed.attributes as { version?: unknown }).version ?? '');
  const name = String(want.name);
  if (range !== undefined && !satisfiesRange(installed, range, coerceDebianVersion)) throw outsideRange(input, String(want.node), name, installed, range);
  const reason = range !== undefined ? `${name} ${installed} satisfies ${range}` : `${name} ${installed} is installed`;
  return prior ? { action: 'noop', reason } : { action: 'noop', reason, record: true };
}

/**
 * `apt-get update` once per node per apply, chained with every install on that node so two packages
 * never race for dpkg's lock. Keyed by the transport, which the pool makes once per node per run, so
 * the memo lives exactly as long as the run (a later run with a new transport updates again).
 */
const perNode = new WeakMap<Transport, { updated: boolean; queue: Promise<unknown> }>();

function serially<T>(t: Transport, work: (entry: { updated: boolean }) => Promise<T>): Promise<T> {
  const entry = perNode.get(t) ?? { updated: false, queue: Promise.resolve() };
  perNode.set(t, entry);
  const next = entry.queue.then(() => work(entry));
  entry.queue = next.catch(() => undefined);
  return next;
}

async function install(ctx: ProviderContext, op: ApplyOp, t: Transport, a: Attributes): Promise<string> {
  return serially(t, async (entry) => {
    if (!entry.updated) {
      progress(ctx, op.address, 'apt-get update');
      await t.execOrThrow(aptUpdate(), { env: aptEnv });
      entry.updated = true;
    }
    progress(ctx, op.address, `apt-get install ${a.name}`);
    await t.execOrThrow(aptInstall(a.name), { env: aptEnv });
    return (await t.execOrThrow(installedVersion(a.name))).stdout.trim();
  });
}

async function applyAptPackage(ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  if (op.action === 'delete') return undefined;
  const a = parseAttributes(schema, op);
  const version = await onNode(ctx, op.address, a.node, (t) => install(ctx, op, t, a));
  if (a.version !== undefined && !satisfiesRange(version, a.version, coerceDebianVersion)) {
    throw new ProviderError(op.address, `on node ${a.node}: apt installed ${a.name} ${version}, which does not satisfy ${a.version}`, 'add a source that offers a matching version, or change the range');
  }
  return { id: a.name, attributes: a, outputs: { version } };
}

export const aptPackage = {
  type: APT_PACKAGE_TYPE,
  plan: planAptPackage,
  recordOutputs: (o: Observed) => ({ version: (o.attributes as { version: string }).version }),
  apply: applyAptPackage,
  requests,
  read,
} satisfies NodeResourceType;
