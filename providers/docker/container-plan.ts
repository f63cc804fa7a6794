/**
 * The pure plan for `docker_container`. Containers are immutable, so any attribute difference (or a
 * config hash that no longer matches) replaces; a container that matches but is not running is
 * started again (an update on the `status` pseudo-attribute). The steps name the container apply acts on.
 */
import type { AttributeDiff } from '../../planner/attribute-diff.js';
import type { Value } from '../../planner/expr.js';
import { defaultDecision, diffAttributes } from '../../planner/diff.js';
import type { ApplyAction, Decision, Observed, PlanInput } from '../../planner/resource.js';
import { canonicalSize } from '../../planner/config/sizes.js';

const SIZE_FIELDS = ['memory', 'memoryReservation', 'shmSize'];

export function planContainer(input: PlanInput): Decision {
  const { desired, observed, prior, unreadable } = input;
  if (desired === undefined || (unreadable && prior)) return defaultDecision(input, { replaceOn: ['*'] });
  if (!observed) return { action: 'create', reason: prior ? 'deleted outside omnitron' : 'not found' };
  const { diffs } = diffAttributes(normalizeContainer(observed.attributes as Value), normalizeContainer(desired), {
    sensitive: input.sensitive,
    replaceOn: ['*'],
  });
  const hashMatches = input.desiredHash === undefined || observed.hash === input.desiredHash;
  if (diffs.length > 0) {
    return { action: 'replace', reason: hashMatches ? 'changed outside omnitron' : 'config changed', diffs, forcedBy: diffs.map((d) => d.path) };
  }
  if (!hashMatches) {
    const diff: AttributeDiff = { path: 'config-hash', before: observed.hash ?? null, after: input.desiredHash, forcesReplacement: true };
    return { action: 'replace', reason: 'config hash diverged', diffs: [diff], forcedBy: ['config-hash'] };
  }
  // Also re-record when state remembers another container id (created by an apply killed before it recorded).
  return planStatus(observed, !prior || (observed.id !== undefined && prior.id !== observed.id));
}

function planStatus(observed: Observed, record: boolean): Decision {
  const status = observed.status ?? 'running';
  if (status === 'running' || status === 'starting') {
    const reason = status === 'running' ? 'container is running' : 'container is starting';
    return record ? { action: 'noop', reason, record: true } : { action: 'noop', reason };
  }
  const diffs: AttributeDiff[] = [{ path: 'status', before: status, after: 'running' }];
  // A dead container cannot be started again, only replaced.
  if (status === 'dead') return { action: 'replace', reason: 'container is dead', diffs: [{ ...diffs[0], forcesReplacement: true }], forcedBy: ['status'] };
  return { action: 'update', reason: `container is ${status}`, diffs };
}

/** What apply does with the container there is now, by id: restart it (update), remove it first (replace, delete), or nothing. */
export type ContainerSteps = { existing: 'none' } | { existing: 'restart' | 'remove'; id: string };

/** The container observe found, else the one state remembers; a restart falls back to the configured name. */
export function planContainerSteps(action: ApplyAction, input: PlanInput): ContainerSteps {
  const live = input.observed?.id ?? input.prior?.id;
  const name = field(input.desired ?? null, 'name');
  if (action === 'update') {
    const id = live ?? (typeof name === 'string' ? name : undefined);
    if (id !== undefined) return { existing: 'restart', id };
    throw new Error(`internal: ${input.address} planned an update with no container to restart; please report`);
  }
  return action !== 'create' && live ? { existing: 'remove', id: live } : { existing: 'none' };
}

/** Puts both sides in one canonical order and unit, so "1G" equals "1024m" and port order does not matter. */
export function normalizeContainer(value: Value): Value {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: { [key: string]: Value } = { ...value };
  if (Array.isArray(out.ports)) out.ports = sortBy(out.ports, (p) => `${String(field(p, 'name'))}\u0000${String(field(p, 'container')).padStart(6, '0')}`);
  if (Array.isArray(out.volumes)) out.volumes = sortBy(out.volumes, (v) => String(field(v, 'target')));
  if (Array.isArray(out.aliases)) out.aliases = sortBy(out.aliases, (a) => String(a));
  for (const f of SIZE_FIELDS) {
    const v = out[f];
    if (typeof v === 'string') out[f] = canonicalSize(v);
  }
  return out;
}

function field(v: Value, key: string): Value | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as { [k: string]: Value })[key] : undefined;
}

function sortBy(list: Value[], key: (v: Value) => string): Value[] {
  return [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
