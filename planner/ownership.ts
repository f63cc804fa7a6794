/**
 * Ownership: only what this state created is ours. Providers read the stamp an object carries (Docker
 * labels, a Postgres COMMENT, a Redis marker key) into an Owner; the plan then refuses, before anything
 * changes, every object in the way that this state did not make, and never deletes an orphan stamped
 * by another state. A create of a claiming type is preceded by a durable intent record, so an object a
 * killed apply made before it could stamp or record it is still known to be ours.
 */
import { error, type Diagnostic } from './diagnostics.js';
import type { DesiredResource, Observed, Scope, StateRecord } from './resource.js';
import type { Owner } from './owner.js';

export type { Owner } from './owner.js';

/** The ownership facts a stamp carries; lineage is absent on stamps written before lineages were. */
export interface StampFacts { project: string; stack: string; lineage?: string }

export function judgeStamp(stamp: StampFacts | undefined, scope: Pick<Scope, 'project' | 'stack' | 'lineage'>): Owner {
  if (!stamp) return { kind: 'none' };
  const sameStack = stamp.project === scope.project && stamp.stack === scope.stack;
  if (sameStack && stamp.lineage === scope.lineage) return { kind: 'this' };
  if (sameStack && stamp.lineage === undefined) return { kind: 'unversioned' };
  const lineage = stamp.lineage ? `, state lineage ${stamp.lineage}` : '';
  return { kind: 'other', who: `omnitron project "${stamp.project}", stack "${stamp.stack}"${lineage}` };
}

/** An intent record: an apply was about to create this object when it stopped; it may or may not exist. */
export function isIntent(record: StateRecord | undefined): boolean {
  return record?.intent === true;
}

/**
 * Why the live object at a desired address is not ours to adopt or change, or undefined when it is.
 * A record in state makes it ours (created or imported by this state) unless another state has since
 * stamped an object of another id there; an intent makes an unstamped object ours (the kill came
 * between create and stamp); otherwise only our own stamp does.
 */
export function notOurs(prior: StateRecord | undefined, observed: Observed | undefined): string | undefined {
  const owner = observed?.owner;
  if (!owner || owner.kind === 'this') return undefined;
  if (prior && !isIntent(prior)) return owner.kind === 'other' && prior.id !== observed.id ? `stamped by ${owner.who}` : undefined;
  if (isIntent(prior) && owner.kind !== 'other') return undefined;
  switch (owner.kind) {
    case 'other': return `stamped by ${owner.who}`;
    case 'unversioned': return 'stamped for this project and stack by an older omnitron, but not recorded in this state';
    case 'none': return 'not created by omnitron';
  }
}

const WAYS_OUT = [
  'Either bring it under this state explicitly with `omnitron import ADDRESS ID` (the next plan then shows what would change to match the config),',
  'or rename it in the config, or remove the object yourself if it is not needed. omnitron never adopts or deletes an object it did not create.',
].join('\n');

/** One error per desired object found live that this state did not create; empty when none. */
export function ownershipProblems(desired: readonly DesiredResource[], prior: ReadonlyMap<string, StateRecord>, observed: ReadonlyMap<string, Observed>): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const d of desired) {
    const live = observed.get(d.address);
    const why = notOurs(prior.get(d.address), live);
    if (!why || !live) continue;
    problems.push(error(`${describeObject(live)} already exists and is ${why}`, {
      address: d.address,
      detail: `${extraDetail(live)}${WAYS_OUT.replace('ADDRESS', d.address).replace('ID', shownId(live) ?? '<id>')}`,
    }));
  }
  return problems;
}

/** Something not in config is deleted only when it is ours by the same rule (an orphan: only by our own stamp). */
export function deletable(prior: StateRecord | undefined, observed: Observed | undefined): boolean {
  return notOurs(prior, observed) === undefined;
}

/** The name an operator knows the object by (a container's name, not its id). */
function shownId(o: Observed): string | undefined {
  const attrs = (o.attributes ?? {}) as { name?: unknown; path?: unknown };
  for (const v of [attrs.name, attrs.path, o.id]) if (typeof v === 'string' && v) return v;
  return undefined;
}

function describeObject(o: Observed): string {
  const kind = o.type.replace(/_/g, ' ');
  const id = shownId(o);
  return id ? `${kind} ${JSON.stringify(id)}` : kind;
}

/** A data volume made by another state holds data initialised with secrets this state does not have. */
function extraDetail(o: Observed): string {
  if (o.type !== 'docker_volume') return '';
  return 'Its data was initialised with that state\'s generated secrets (e.g. the Postgres superuser password), which this state does not have: '
    + 'adopting it as it is would fail every login. Apply from the checkout whose state made it, delete the volume if its data is disposable, '
    + 'or import it and reset the password inside its container (`docker exec CONTAINER psql -U postgres` uses local socket auth).\n';
}
