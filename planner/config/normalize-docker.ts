/**
 * A service's `docker` block in model terms: defaults where real Omnitron leaves gaps (bind host
 * 127.0.0.1, restart unless-stopped), string shorthands expanded, bind-mount sources made absolute
 * against the config root. Overlays (variants, preset tweaks, stack overrides) keep only the fields
 * they set, so merging them cannot reset anything by accident.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { error, warning, type Diagnostic } from '../diagnostics.js';
import type { DockerServiceSpec, VolumeSpec } from './model.js';
import { toMs } from './durations.js';
import type { RawDocker, RawDockerOverlay } from './schema.js';
import { checkBindHost, checkExtraHost } from './network-values.js';
import { checkContainerEnvNames } from './env-names.js';
import { at, within, type SourceContext } from './source-context.js';

export type DockerOverlay = Partial<DockerServiceSpec>;
export type DockerWithVariants = DockerServiceSpec & { variants?: Record<string, DockerOverlay> };

export const DOCKER_DEFAULTS = { bindHost: '127.0.0.1', restart: 'unless-stopped' } as const;
export const HEALTH_DEFAULTS = { interval: 30_000, timeout: 10_000, retries: 5, startPeriod: 30_000 } as const;
const IGNORED = ['user', 'network', 'build'] as const;

export function normalizeDocker(raw: RawDocker, ctx: SourceContext): { docker: DockerWithVariants; diagnostics: Diagnostic[] } {
  const { overlay, diagnostics } = normalizeDockerOverlay(raw, ctx);
  const docker: DockerWithVariants = {
    image: raw.image,
    environment: {}, volumes: {}, portMappings: {}, resources: {}, labels: {}, extraHosts: [],
    ...DOCKER_DEFAULTS,
    ...overlay,
  };
  if (raw.variants) {
    docker.variants = {};
    for (const [name, variant] of Object.entries(raw.variants)) {
      const normalized = normalizeDockerOverlay(variant, within(ctx, 'variants', name));
      docker.variants[name] = normalized.overlay;
      diagnostics.push(...normalized.diagnostics);
    }
  }
  return { docker, diagnostics };
}

export function normalizeDockerOverlay(raw: RawDockerOverlay, ctx: SourceContext): { overlay: DockerOverlay; diagnostics: Diagnostic[] } {
  const o: DockerOverlay = {};
  if (raw.image !== undefined) o.image = raw.image;
  if (raw.environment) o.environment = stringValues(raw.environment);
  if (raw.volumes) o.volumes = volumes(raw.volumes, ctx.root);
  if (raw.command !== undefined) o.command = argv(raw.command);
  if (raw.entrypoint !== undefined) o.entrypoint = argv(raw.entrypoint);
  if (raw.portMappings) o.portMappings = { ...raw.portMappings };
  if (raw.bindHost !== undefined) o.bindHost = raw.bindHost;
  if (raw.resources) o.resources = { ...raw.resources };
  if (raw.restart !== undefined) o.restart = raw.restart;
  if (raw.shmSize !== undefined) o.shmSize = raw.shmSize;
  if (raw.labels) o.labels = { ...raw.labels };
  if (raw.extraHosts) o.extraHosts = [...raw.extraHosts];
  if (raw.healthCheck) o.healthCheck = healthCheck(raw.healthCheck);
  const diagnostics = IGNORED.filter((k) => raw[k] !== undefined).map((k) =>
    warning(`docker ${k} is not supported yet and is ignored`, { detail: 'remove it, or bake the setting into the image', ...at(ctx, k) }));
  if (raw.bindHost !== undefined) diagnostics.push(...checkBindHost(raw.bindHost, at(ctx, 'bindHost')));
  if (raw.environment) diagnostics.push(...checkContainerEnvNames(raw.environment, within(ctx, 'environment')));
  diagnostics.push(...checkLabels(raw.labels ?? {}, ctx), ...checkVolumeTargets(o.volumes ?? {}, ctx));
  if (ctx.fromApp) diagnostics.push(...checkAppBindSources(raw.volumes ?? {}, ctx));
  (raw.extraHosts ?? []).forEach((h, i) => diagnostics.push(...checkExtraHost(h, at(ctx, 'extraHosts', i))));
  return { overlay: o, diagnostics };
}

/** omnitron's own labels mark what it owns; an Omnitron daemon stops and removes containers labelled omnitron.managed. */
function checkLabels(labels: Record<string, string>, ctx: SourceContext): Diagnostic[] {
  return Object.keys(labels).filter((k) => k === 'omnitron.managed' || k.startsWith('dev.omnitron.')).map((k) =>
    error(`label "${k}" is reserved`, {
      detail: k === 'omnitron.managed' ? 'a running Omnitron daemon stops and removes containers carrying it; remove it' : 'omnitron sets the dev.omnitron.* labels itself to know what it owns; use another prefix',
      ...at(ctx, 'labels', k),
    }));
}

/** Docker mounts only at absolute container paths. */
function checkVolumeTargets(volumes: Record<string, VolumeSpec>, ctx: SourceContext): Diagnostic[] {
  return Object.entries(volumes).filter(([, v]) => !v.target.startsWith('/')).map(([key, v]) =>
    error(`volume target "${v.target}" is not an absolute path`, { detail: 'Docker mounts at an absolute path inside the container, e.g. "/var/lib/data"', ...at(ctx, 'volumes', key) }));
}

export function stringValues(env: Record<string, string | number | boolean>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}

function argv(value: string | string[]): string[] {
  return typeof value === 'string' ? [value] : [...value];
}

/**
 * A bind mount gives the container that part of the host (`/` or the Docker socket is root on the host).
 * An app's config/default.json comes with the app, not from the operator: its services may bind only
 * paths inside the project, as a release packs only the app's root.
 */
function checkAppBindSources(raw: NonNullable<RawDockerOverlay['volumes']>, ctx: SourceContext): Diagnostic[] {
  return Object.entries(raw).flatMap(([key, v]) => {
    if (typeof v === 'string' || !isBindSource(v.source) || !outside(ctx.root, bindSource(v.source, ctx.root))) return [];
    return [error(`an app's config cannot bind-mount ${JSON.stringify(v.source)}, outside the project`, {
      detail: `a bind mount gives the container that part of this machine; mount a path inside the project, or declare the service in the project's omnitron.config under infrastructure.services if it really needs ${JSON.stringify(v.source)}`,
      ...at(ctx, 'volumes', key),
    })];
  });
}

function outside(root: string, source: string): boolean {
  const rel = relative(root, source);
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/** A string value is the container path of a named volume called by its key. */
function volumes(raw: NonNullable<RawDockerOverlay['volumes']>, root: string): Record<string, VolumeSpec> {
  const out: Record<string, VolumeSpec> = {};
  for (const [key, v] of Object.entries(raw)) {
    out[key] = typeof v === 'string'
      ? { source: key, target: v, readonly: false }
      : { source: bindSource(v.source, root), target: v.target, readonly: v.readonly ?? false };
  }
  return out;
}

export function isBindSource(source: string): boolean {
  return source.startsWith('/') || source.startsWith('.');
}

function bindSource(source: string, root: string): string {
  return isBindSource(source) && !isAbsolute(source) ? resolve(root, source) : source;
}

function healthCheck(raw: NonNullable<RawDockerOverlay['healthCheck']>): NonNullable<DockerServiceSpec['healthCheck']> {
  return {
    test: typeof raw.test === 'string' ? ['CMD-SHELL', raw.test] : [...raw.test],
    interval: raw.interval === undefined ? HEALTH_DEFAULTS.interval : toMs(raw.interval),
    timeout: raw.timeout === undefined ? HEALTH_DEFAULTS.timeout : toMs(raw.timeout),
    retries: raw.retries ?? HEALTH_DEFAULTS.retries,
    startPeriod: raw.startPeriod === undefined ? HEALTH_DEFAULTS.startPeriod : toMs(raw.startPeriod),
  };
}
