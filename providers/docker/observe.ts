/**
 * One batched read of everything this stack owns on the engine: one list call per kind filtered by the
 * scope's ownership labels (all container states), container inspects in parallel, plus the images the
 * config names. Objects are keyed by their address label, so ours-but-not-in-config shows up as an orphan.
 */
import type { Expr } from '../../planner/expr.js';
import type { DesiredResource, DockerReads, Observed, ObservedSet, ObserveRequest, ProviderContext } from '../../planner/resource.js';
import { reachDocker } from './client.js';
import { imageDefaults, type ImageConfig, type ImageDefaults, type InspectedContainer, type MappingHints } from './container-attributes.js';
import { CONTAINER_TYPE, observeContainer } from './container.js';
import { readsThrough } from './engine-reads.js';
import { ifExists } from './errors.js';
import { IMAGE_TYPE, observeImage } from './image.js';
import { addressOf, ownerOf, scopeFilters, type Labels } from './labels.js';
import { NETWORK_TYPE, observeNetwork } from './network.js';
import { observeVolume, VOLUME_TYPE } from './volume.js';

export const OBSERVE_ADDRESS = 'provider.docker';

export function observeDocker(ctx: ProviderContext, request: ObserveRequest): Promise<ObservedSet> {
  return reachDocker(OBSERVE_ADDRESS, () => readAll(ctx, request));
}

async function readAll(ctx: ProviderContext, request: ObserveRequest): Promise<ObservedSet> {
  const engine = ctx.clients.dockerReads?.() ?? readsThrough(ctx.clients.docker());
  const filters = scopeFilters(request.scope);
  // Images carry no labels, so no listing finds them: the ones the config names are read from the start.
  const images = readImagesByName(engine, request.desired);
  // Awaited below; until then a failure must not count as unhandled (the awaits still see it).
  images.catch(() => {});
  const [networks, volumes, containers] = await Promise.all([
    engine.listNetworks(filters),
    engine.listVolumes(filters),
    engine.listContainers(filters),
  ]);
  const owned = (o: Observed, labels: Labels | null | undefined): Observed => ({ ...o, owner: ownerOf(labels, request.scope) });
  const found: Observed[] = [
    ...networks.map((n) => owned(observeNetwork(n), n.Labels)),
    ...volumes.map((v) => owned(observeVolume(v), v.Labels)),
    ...(await readContainers(engine, containers.map((c) => c.Id), request.desired, images)).map(([o, labels]) => owned(o, labels)),
  ];
  const objects = keyByAddress(ctx, found.filter((o) => o.address));
  // Images are shared by every stack that names them: nobody owns one.
  for (const { observed } of await images) objects.set(observed.address, observed);
  for (const [o, labels] of await readByName(engine, request.desired, objects)) objects.set(o.address, owned(o, labels));
  return { objects, unreadable: new Map() };
}

interface NamedImage { observed: Observed; id: string; config: ImageConfig }

async function readImagesByName(engine: DockerReads, desired: DesiredResource[]): Promise<NamedImage[]> {
  const reads = desired.filter((d) => d.type === IMAGE_TYPE).map(async (d): Promise<NamedImage | undefined> => {
    const name = literalName(d.attributes);
    const info = name === undefined ? undefined : await ifExists(engine.inspectImage(name));
    return info && { observed: observeImage(d.address, name!, info), id: info.Id, config: info.Config as ImageConfig };
  });
  return (await Promise.all(reads)).filter((i): i is NamedImage => i !== undefined);
}

async function readContainers(engine: DockerReads, ids: string[], desired: DesiredResource[], named: Promise<NamedImage[]>): Promise<Array<[Observed, Labels | undefined]>> {
  const infos = (await Promise.all(ids.map((id) => ifExists(engine.inspectContainer(id))))) as Array<InspectedContainer | undefined>;
  const present = infos.filter((i): i is InspectedContainer => i !== undefined);
  const images = await readImageDefaults(engine, present.map((i) => i.Image ?? i.Config.Image), await named);
  const hints = new Map(desired.filter((d) => d.type === CONTAINER_TYPE).map((d) => [d.address, hintsFrom(d.attributes)]));
  return present.map((i) => [observeContainer(i, images.get(i.Image ?? i.Config.Image), hints.get(addressOf(i.Config.Labels) ?? '')), i.Config.Labels ?? undefined]);
}

/** Image config per image id, inspected once each (or taken from the images read by name); a removed image simply has no defaults. */
async function readImageDefaults(engine: DockerReads, refs: string[], named: readonly NamedImage[]): Promise<Map<string, ImageDefaults>> {
  const out = new Map<string, ImageDefaults>();
  for (const image of named) if (refs.includes(image.id)) out.set(image.id, imageDefaults(image.config));
  const unique = [...new Set(refs)].filter((ref) => !out.has(ref));
  const infos = await Promise.all(unique.map((ref) => ifExists(engine.inspectImage(ref))));
  unique.forEach((ref, i) => { const info = infos[i]; if (info) out.set(ref, imageDefaults(info.Config as ImageConfig)); });
  return out;
}

/**
 * The networks, volumes and containers the config names that exist without this stack's labels: the
 * plan must see them, so that it refuses someone else's object instead of adopting it (Docker answers
 * a create of an existing volume silently with the existing one).
 */
async function readByName(engine: DockerReads, desired: DesiredResource[], known: Map<string, Observed>): Promise<Array<[Observed, Labels | undefined]>> {
  const reads = desired.filter((d) => !known.has(d.address)).map(async (d): Promise<[Observed, Labels | undefined] | undefined> => {
    const name = literalName(d.attributes);
    if (name === undefined) return undefined;
    if (d.type === NETWORK_TYPE) {
      const info = await ifExists(engine.inspectNetwork(name));
      return info && info.Name === name ? [observeNetwork(info, d.address), info.Labels ?? undefined] : undefined;
    }
    if (d.type === VOLUME_TYPE) {
      const info = await ifExists(engine.inspectVolume(name));
      return info ? [observeVolume(info, d.address), info.Labels ?? undefined] : undefined;
    }
    if (d.type === CONTAINER_TYPE) {
      const info = (await ifExists(engine.inspectContainer(name))) as InspectedContainer | undefined;
      return info ? [{ ...observeContainer(info, undefined, hintsFrom(d.attributes)), address: d.address }, info.Config.Labels ?? undefined] : undefined;
    }
    return undefined;
  });
  return (await Promise.all(reads)).filter((o): o is [Observed, Labels | undefined] => o !== undefined);
}

function keyByAddress(ctx: ProviderContext, found: Observed[]): Map<string, Observed> {
  const objects = new Map<string, Observed>();
  for (const o of found) {
    const first = objects.get(o.address);
    if (!first) { objects.set(o.address, o); continue; }
    ctx.emit({ kind: 'warning', address: o.address, message: `more than one Docker object carries this address (${first.id} and ${o.id}); using ${first.id}` });
  }
  return objects;
}

function literalName(attributes: Expr): string | undefined {
  const name = isObject(attributes) ? attributes.name : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** Which fields and env/label keys the desired container sets (keys are known even when values are refs). */
export function hintsFrom(attributes: Expr): MappingHints {
  if (!isObject(attributes)) return { fields: new Set(), envKeys: new Set(), labelKeys: new Set() };
  const keys = (e: Expr | undefined) => new Set(isObject(e) ? Object.keys(e) : []);
  return { fields: new Set(Object.keys(attributes)), envKeys: keys(attributes.env), labelKeys: keys(attributes.labels) };
}

function isObject(e: Expr | undefined): e is { [key: string]: Expr } {
  return e !== null && typeof e === 'object' && !Array.isArray(e) && !('$ref' in e) && !('$template' in e);
}
