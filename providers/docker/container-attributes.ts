/**
 * The `docker_container` attribute shape, and the mapping from a Docker inspect back into it, so plan can
 * compare desired and live field by field. Docker fills in things nobody asked for (the image's env,
 * CMD, labels and health check, a 64 MB /dev/shm, the short id as a network alias); the mapping leaves
 * those out unless the desired config names the field, so only real differences show up.
 */
import type { Json } from '../../planner/expr.js';
import { decodePortNames, isOwnershipLabel, LABEL } from './labels.js';
import { nanoToCpus } from './units.js';
import { formatBytes } from '../../planner/config/sizes.js';
import { compareText } from '../../contract/compare-text.js';

export interface PortAttribute { name: string; container: number; host: number; hostIp: string }
export interface VolumeAttribute { type: 'volume' | 'bind'; source: string; target: string; readonly: boolean }
/** Durations in ms. */
export interface HealthcheckAttribute { test: string[]; interval: number; timeout: number; retries: number; startPeriod: number }

export interface ContainerAttributes {
  name: string;
  image: string;
  command?: string[];
  entrypoint?: string[];
  env: Record<string, string>;
  ports: PortAttribute[];
  volumes: VolumeAttribute[];
  network?: string;
  aliases: string[];
  healthcheck?: HealthcheckAttribute;
  restart: string;
  memory?: string;
  memoryReservation?: string;
  cpus?: number;
  shmSize?: string;
  labels: Record<string, string>;
  extraHosts: string[];
}

/** The parts of a container inspect the mapping reads (a subset of Docker's JSON). */
export interface InspectedContainer {
  Id: string;
  /** Image id (sha256:…) the container was created from. */
  Image?: string;
  Name: string;
  RestartCount?: number;
  State: { Status: string; Running?: boolean; ExitCode?: number; Health?: { Status: string; Log?: Array<{ Output: string }> | null } };
  Config: {
    Image: string;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    Env?: string[] | null;
    Labels?: Record<string, string> | null;
    Healthcheck?: DockerHealthcheck | null;
  };
  HostConfig: {
    NetworkMode?: string;
    PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null;
    Mounts?: Array<{ Type: string; Source?: string; Target: string; ReadOnly?: boolean }> | null;
    Binds?: string[] | null;
    RestartPolicy?: { Name?: string; MaximumRetryCount?: number } | null;
    Memory?: number;
    MemoryReservation?: number;
    NanoCpus?: number;
    ShmSize?: number;
    ExtraHosts?: string[] | null;
  };
  NetworkSettings?: { Networks?: Record<string, { Aliases?: string[] | null }> | null };
}

/** Durations in ns, as Docker keeps them. */
export interface DockerHealthcheck { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number }

/** What a container inherits from its image when the create request leaves a field out. */
export interface ImageDefaults {
  env: string[];
  cmd?: string[] | null;
  entrypoint?: string[] | null;
  labels: Record<string, string>;
  healthcheck?: DockerHealthcheck | null;
}

/** Which fields and keys the desired config sets; those are always reported, even when equal to a default. */
export interface MappingHints { fields: Set<string>; envKeys: Set<string>; labelKeys: Set<string> }

export const NO_HINTS: MappingHints = { fields: new Set(), envKeys: new Set(), labelKeys: new Set() };
export const DOCKER_DEFAULT_SHM = 64 * 1024 * 1024;
const MS = 1e6;

export interface ImageConfig {
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  Labels?: Record<string, string> | null;
  Healthcheck?: DockerHealthcheck | null;
}

export function imageDefaults(config: ImageConfig | undefined): ImageDefaults {
  return { env: config?.Env ?? [], cmd: config?.Cmd, entrypoint: config?.Entrypoint, labels: config?.Labels ?? {}, healthcheck: config?.Healthcheck };
}

export function toContainerAttributes(c: InspectedContainer, image: ImageDefaults | undefined, hints: MappingHints = NO_HINTS): ContainerAttributes {
  const attrs: ContainerAttributes = {
    name: c.Name.replace(/^\//, ''),
    image: c.Config.Image,
    env: ownEnv(c.Config.Env ?? [], image, hints),
    ports: ports(c),
    volumes: volumes(c),
    aliases: aliases(c),
    restart: restart(c.HostConfig.RestartPolicy),
    labels: ownLabels(c.Config.Labels ?? {}, image, hints),
    extraHosts: c.HostConfig.ExtraHosts ?? [],
  };
  const optional: Partial<ContainerAttributes> = {
    command: reported('command', c.Config.Cmd, image?.cmd, hints),
    entrypoint: reported('entrypoint', c.Config.Entrypoint, image?.entrypoint, hints),
    network: network(c),
    healthcheck: healthcheck(c.Config.Healthcheck, image, hints),
    memory: size(c.HostConfig.Memory),
    memoryReservation: size(c.HostConfig.MemoryReservation),
    cpus: c.HostConfig.NanoCpus ? nanoToCpus(c.HostConfig.NanoCpus) : undefined,
    shmSize: shm(c.HostConfig.ShmSize, hints),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (attrs as unknown as Record<string, unknown>)[k] = v;
  return attrs;
}

export function asJson(attrs: ContainerAttributes): Json {
  return JSON.parse(JSON.stringify(attrs)) as Json;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function reported(field: string, live: string[] | null | undefined, inherited: string[] | null | undefined, hints: MappingHints): string[] | undefined {
  if (!live || live.length === 0) return undefined;
  return hints.fields.has(field) || !same(live, inherited) ? live : undefined;
}

function ownEnv(env: string[], image: ImageDefaults | undefined, hints: MappingHints): Record<string, string> {
  const inherited = new Set(image?.env ?? []);
  const out: Record<string, string> = {};
  for (const entry of env) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    if (!hints.envKeys.has(key) && inherited.has(entry)) continue;
    out[key] = eq < 0 ? '' : entry.slice(eq + 1);
  }
  return out;
}

function ownLabels(labels: Record<string, string>, image: ImageDefaults | undefined, hints: MappingHints): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (isOwnershipLabel(k)) continue;
    if (!hints.labelKeys.has(k) && image?.labels[k] === v) continue;
    out[k] = v;
  }
  return out;
}

function ports(c: InspectedContainer): PortAttribute[] {
  const names = decodePortNames(c.Config.Labels?.[LABEL.portNames]);
  const out: PortAttribute[] = [];
  for (const [key, bindings] of Object.entries(c.HostConfig.PortBindings ?? {})) {
    const container = Number.parseInt(key, 10);
    for (const b of bindings ?? []) {
      out.push({ name: names[String(container)] ?? String(container), container, host: Number(b.HostPort || 0), hostIp: b.HostIp || '0.0.0.0' });
    }
  }
  return out.sort((a, b) => compareText(a.name, b.name) || a.container - b.container);
}

function volumes(c: InspectedContainer): VolumeAttribute[] {
  const out: VolumeAttribute[] = [];
  for (const m of c.HostConfig.Mounts ?? []) {
    if (m.Type !== 'volume' && m.Type !== 'bind') continue;
    out.push({ type: m.Type, source: m.Source ?? '', target: m.Target, readonly: m.ReadOnly === true });
  }
  for (const bind of c.HostConfig.Binds ?? []) out.push(parseBind(bind));
  return out.sort((a, b) => compareText(a.target, b.target));
}

/** `src:dst[:opts]` as written by `docker run -v`. */
export function parseBind(bind: string): VolumeAttribute {
  const [source, target, opts = ''] = bind.split(':');
  const type = source.startsWith('/') ? 'bind' : 'volume';
  return { type, source, target, readonly: opts.split(',').includes('ro') };
}

function network(c: InspectedContainer): string | undefined {
  const mode = c.HostConfig.NetworkMode;
  return !mode || mode === 'default' ? undefined : mode;
}

function aliases(c: InspectedContainer): string[] {
  const mode = network(c);
  if (!mode) return [];
  const shortId = c.Id.slice(0, 12);
  const list = c.NetworkSettings?.Networks?.[mode]?.Aliases ?? [];
  return list.filter((a) => a !== shortId && a !== c.Id).sort();
}

function restart(policy: InspectedContainer['HostConfig']['RestartPolicy']): string {
  const name = policy?.Name || 'no';
  return name === 'on-failure' && policy?.MaximumRetryCount ? `on-failure:${policy.MaximumRetryCount}` : name;
}

function healthcheck(live: DockerHealthcheck | null | undefined, image: ImageDefaults | undefined, hints: MappingHints): HealthcheckAttribute | undefined {
  if (!live?.Test || live.Test.length === 0) return undefined;
  if (!hints.fields.has('healthcheck') && same(live, image?.healthcheck)) return undefined;
  return {
    test: live.Test,
    interval: (live.Interval ?? 0) / MS,
    timeout: (live.Timeout ?? 0) / MS,
    retries: live.Retries ?? 0,
    startPeriod: (live.StartPeriod ?? 0) / MS,
  };
}

function size(bytes: number | undefined): string | undefined {
  return bytes ? formatBytes(bytes) : undefined;
}

function shm(bytes: number | undefined, hints: MappingHints): string | undefined {
  if (!bytes) return undefined;
  return hints.fields.has('shmSize') || bytes !== DOCKER_DEFAULT_SHM ? formatBytes(bytes) : undefined;
}
