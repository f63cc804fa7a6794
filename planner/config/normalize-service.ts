/**
 * One custom service requirement (ecosystem, stack or app-declared) in model terms, with the checks
 * that only need the service itself: env templates against its ports and secrets, docker port
 * mappings (base and variants) against its ports. A networkMode without a variant of that name
 * selects the base docker block (the seed's "single-node" base with a "cluster" variant).
 */
import validRange from 'semver/ranges/valid.js';
import { error, type Diagnostic } from '../diagnostics.js';
import type { HealthCheckSpec, SecretSpec, ServiceRequirement } from './model.js';
import { quotedList, suggestion } from './did-you-mean.js';
import { toMs } from './durations.js';
import { HEALTH_DEFAULTS, normalizeDocker, stringValues, type DockerOverlay } from './normalize-docker.js';
import type { RawCustomService, RawHealthCheck, RawSecrets } from './schema.js';
import { checkBareMetalTemplates, checkDockerTemplates, checkTemplates } from './templates.js';
import { checkBareMetal } from './bare-metal-values.js';
import { checkSecretKeys } from './secret-keys.js';
import { checkEnvFileNames } from './env-names.js';
import { at, within, type SourceContext } from './source-context.js';

export const SERVICE_DEFAULTS = { startupTimeout: 120_000, critical: true } as const;

export function normalizeService(raw: RawCustomService, ctx: SourceContext): { requirement: ServiceRequirement; diagnostics: Diagnostic[] } {
  const ports = { ...raw.ports };
  const requirement: ServiceRequirement = {
    ...pick(raw, ['description', 'type', 'version', 'networkMode']),
    ports,
    env: stringValues(raw.env ?? {}),
    secrets: normalizeSecrets(raw.secrets),
    ...(raw.healthCheck ? { healthCheck: normalizeHealthCheck(raw.healthCheck) } : {}),
    startupTimeout: raw.startupTimeout === undefined ? SERVICE_DEFAULTS.startupTimeout : toMs(raw.startupTimeout),
    dependsOn: [...(raw.dependsOn ?? [])],
    critical: raw.critical ?? SERVICE_DEFAULTS.critical,
  };
  const diagnostics = [...checkTemplates(requirement.env, ports, requirement.secrets, ctx), ...checkValues(raw, requirement, ctx)];
  if (raw.docker) {
    const normalized = normalizeDocker(raw.docker, within(ctx, 'docker'));
    requirement.docker = normalized.docker;
    diagnostics.push(...normalized.diagnostics, ...checkPortMappings(normalized.docker.portMappings, ports, within(ctx, 'docker')));
    for (const [name, variant] of Object.entries(normalized.docker.variants ?? {})) {
      diagnostics.push(...checkPortMappings(variant.portMappings, ports, within(ctx, 'docker', 'variants', name)));
    }
  }
  if (raw.bareMetal) requirement.bareMetal = raw.bareMetal;
  return { requirement, diagnostics };
}

export function normalizeSecrets(raw: RawSecrets | undefined): Record<string, SecretSpec> {
  const out: Record<string, SecretSpec> = {};
  for (const [name, v] of Object.entries(raw ?? {})) {
    out[name] = typeof v === 'string' ? { kind: 'literal', value: v } : { kind: 'generated', key: v.secret };
  }
  return out;
}

/** The documented defaults (30s/10s/5/30s); real Omnitron's converter used a 30s timeout instead. */
export function normalizeHealthCheck(raw: RawHealthCheck): HealthCheckSpec {
  return {
    type: raw.type,
    target: raw.target,
    interval: raw.interval === undefined ? HEALTH_DEFAULTS.interval : toMs(raw.interval),
    timeout: raw.timeout === undefined ? HEALTH_DEFAULTS.timeout : toMs(raw.timeout),
    retries: raw.retries ?? HEALTH_DEFAULTS.retries,
    startPeriod: raw.startPeriod === undefined ? HEALTH_DEFAULTS.startPeriod : toMs(raw.startPeriod),
  };
}

/** What must hold before the service reaches a container, a node or an app's env file. `ctx` points at the service. */
function checkValues(raw: RawCustomService, requirement: ServiceRequirement, ctx: SourceContext): Diagnostic[] {
  const scope = { ports: requirement.ports, secrets: requirement.secrets };
  const out = [...checkEnvFileNames(raw.env ?? {}, within(ctx, 'env')), ...checkVersion(raw.version, ctx), ...checkSecretKeys(raw.secrets, ctx)];
  if (raw.healthCheck) out.push(...checkHealthTarget(raw.healthCheck, requirement.ports, within(ctx, 'healthCheck')));
  if (raw.docker) out.push(...checkDockerTemplates(raw.docker, scope, within(ctx, 'docker')));
  if (raw.bareMetal) out.push(...checkBareMetal(raw.bareMetal, within(ctx, 'bareMetal')), ...checkBareMetalTemplates(raw.bareMetal, scope, within(ctx, 'bareMetal')));
  return out;
}

/** A tcp check probes a port by name or number; a jsonrpc check posts to the port named "jsonrpc". `ctx` points at the check. */
function checkHealthTarget(raw: RawHealthCheck, ports: Record<string, number>, ctx: SourceContext): Diagnostic[] {
  const names = Object.keys(ports);
  if (raw.type === 'tcp' && !(raw.target in ports) && !isPort(Number(raw.target))) {
    return [error(`unknown port "${raw.target}"${suggestion(raw.target, names)}`, { detail: `a tcp health check names one of the service's ports (${quotedList(names)}) or a port number`, ...at(ctx, 'target') })];
  }
  if (raw.type === 'jsonrpc' && !('jsonrpc' in ports)) {
    return [error('a jsonrpc health check needs a port named "jsonrpc"', { detail: `the service's ports are ${quotedList(names)}; add ports.jsonrpc`, ...at(ctx, 'type') })];
  }
  return [];
}

/** Compared with what validateCommand prints (version_check) and with Debian package versions. */
function checkVersion(version: string | undefined, ctx: SourceContext): Diagnostic[] {
  if (version === undefined || validRange(version) !== null) return [];
  return [error(`invalid version range ${JSON.stringify(version)}`, { detail: 'write a semver range, e.g. ">=8.10.0", "^8.11" or "8.x"; omnitron checks what validateCommand prints against it', ...at(ctx, 'version') })];
}

const isPort = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;

/** `ctx` points at the docker block holding the mappings. */
export function checkPortMappings(mappings: DockerOverlay['portMappings'], ports: Record<string, number>, ctx: SourceContext): Diagnostic[] {
  return Object.keys(mappings ?? {}).filter((name) => !(name in ports)).map((name) =>
    error(`maps unknown port "${name}"${suggestion(name, Object.keys(ports))}`, {
      detail: `the service's ports are ${quotedList(Object.keys(ports))}; portMappings keys name one of them`,
      ...at(ctx, 'portMappings', name),
    }));
}

function pick<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}
