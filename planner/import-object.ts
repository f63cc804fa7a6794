/**
 * `omnitron import ADDRESS ID`, purely: the explicit way to bring an object this state did not create
 * under its management. The object must be where the config puts ADDRESS, of its type, and answer to
 * ID; state then records it as it is live, so the next plan shows what would change to match the
 * config (a restamp, a reset password, a new container) and destroy may delete it.
 */
import { UserError, error } from './diagnostics.js';
import { configHash } from './hash.js';
import type { Json } from './expr.js';
import type { DesiredResource, Observed, ResourceType, StateRecord } from './resource.js';

export interface ImportRequest {
  address: string;
  id: string;
  desired: readonly DesiredResource[];
  prior: ReadonlyMap<string, StateRecord>;
  observed: ReadonlyMap<string, Observed>;
  unreadable: ReadonlyMap<string, string>;
  types: ReadonlyMap<string, ResourceType>;
}

/** The names an object answers to: its provider id, and the name, path or index it is known by. */
function idsOf(o: Observed): string[] {
  const attrs = (o.attributes ?? {}) as { [key: string]: Json };
  return [...new Set([o.id, attrs.name, attrs.path, attrs.root, attrs.index].filter((v) => typeof v === 'string' || typeof v === 'number').map(String))];
}

export function importRecord(req: ImportRequest): StateRecord {
  const target = req.desired.find((d) => d.address === req.address);
  if (!target) {
    throw new UserError(error(`${req.address} is not in the config of this stack`, { detail: 'Import brings an object under a resource the config declares: add it to the config first (`omnitron plan` lists the addresses).' }));
  }
  const type = req.types.get(target.type);
  if (!type?.claimsObjects) {
    throw new UserError(error(`${req.address}: ${target.type} objects are not imported`, { detail: 'Only objects omnitron refuses to adopt on its own are imported (containers, volumes, networks, Postgres roles and databases, Redis DBs, node users, files, units and releases); a plan records or creates the rest.' }));
  }
  const recorded = req.prior.get(req.address);
  if (recorded && !recorded.intent) throw new UserError(error(`${req.address} is already managed by this state`, { detail: 'Nothing to import; `omnitron state show` prints what state records.' }));
  const why = req.unreadable.get(req.address);
  if (why) throw new UserError(error(`cannot import ${req.address}: ${why}`));
  const live = req.observed.get(req.address);
  if (!live || !idsOf(live).includes(req.id)) {
    const found = live ? ` (found ${idsOf(live).map((i) => JSON.stringify(i)).join(', ')} there)` : '';
    throw new UserError(error(`no ${target.type} ${JSON.stringify(req.id)} where the config puts ${req.address}${found}`, {
      detail: 'Import takes the object the config names: check the ID, or change the config so that it names the object.',
    }));
  }
  return {
    address: req.address, type: target.type, ...(live.id ? { id: live.id } : {}), attributes: live.attributes, outputs: type.recordOutputs?.(live) ?? {},
    ...(target.connection !== undefined ? { connection: target.connection } : {}), dependsOn: target.dependsOn, sensitive: target.sensitive.map((p) => `attributes.${p}`),
    hash: configHash(live.attributes), updatedAt: new Date().toISOString(),
  };
}
