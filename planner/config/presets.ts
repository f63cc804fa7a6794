/**
 * Built-in service presets, expanded as real Omnitron does (images, ports, volumes, commands). The
 * planner adds health checks, secrets and app env for presets; here they are only containers.
 * Every preset is provisioned, in Docker on local stacks and on nodes from Debian's packages
 * (minio there needs bareMetal.installCommand).
 */
import { error, warning, type Diagnostic } from '../diagnostics.js';
import type { ServiceRequirement } from './model.js';
import { quotedList, suggestion } from './did-you-mean.js';
import { toMs } from './durations.js';
import { overlayDocker } from './docker-overlay.js';
import { DOCKER_DEFAULTS, normalizeDockerOverlay, type DockerWithVariants } from './normalize-docker.js';
import { SERVICE_DEFAULTS, checkPortMappings, normalizeSecrets } from './normalize-service.js';
import type { RawPresetService } from './schema.js';
import { at, within, type SourceContext } from './source-context.js';
import { checkBareMetalTemplates, checkDockerTemplates } from './templates.js';
import { checkBareMetal } from './bare-metal-values.js';
import { checkSecretKeys } from './secret-keys.js';
import { GATEWAY_PRESET, readGatewaySite } from './gateway-site.js';
import { TOR_DOCKER_DATA_DIR, parseTorConfig } from './tor-config.js';
import { parseBucketList } from './bucket-name.js';

/** The torrc arrives in the environment (rendered by the planner) and never in argv. */
const WRITE_TORRC_AND_RUN = 'printf "%s" "$OMNITRON_TORRC" > /tmp/torrc && exec tor -f /tmp/torrc';

export const SUPPORTED_PRESETS = ['postgres', 'redis', 'minio', 'tor', 'openresty'] as const;
export const PLANNED_PRESETS = [] as const;
export const KNOWN_PRESETS = [...SUPPORTED_PRESETS, ...PLANNED_PRESETS] as const;
export type SupportedPreset = (typeof SUPPORTED_PRESETS)[number];
export type KnownPreset = (typeof KNOWN_PRESETS)[number];

function baseDocker(image: string, volumeTarget: string, command: string[]): DockerWithVariants {
  return {
    image, command, ...DOCKER_DEFAULTS,
    environment: {}, portMappings: {}, resources: {}, labels: {}, extraHosts: [],
    volumes: { data: { source: 'data', target: volumeTarget, readonly: false } },
  };
}

const PRESETS: Record<SupportedPreset, () => ServiceRequirement> = {
  postgres: () => ({
    ...bare('postgres', { main: 5432 }),
    docker: {
      ...baseDocker('postgres:17-alpine', '/var/lib/postgresql/data', [
        'postgres', '-c', 'max_connections=200', '-c', 'shared_buffers=256MB', '-c', 'log_statement=none',
        '-c', 'log_min_duration_statement=1000', '-c', 'idle_in_transaction_session_timeout=60000',
      ]),
      shmSize: '256m',
    },
  }),
  redis: () => ({
    ...bare('redis', { main: 6379 }),
    docker: baseDocker('redis:7-alpine', '/data', ['redis-server', '--appendonly', 'yes', '--maxmemory-policy', 'allkeys-lru']),
  }),
  minio: () => ({
    ...bare('minio', { api: 9000, console: 9001 }),
    docker: baseDocker('minio/minio', '/data', ['server', '/data', '--console-address', ':9001']),
  }),
  // Debian's tor in an image built from scripts/images/tor (`scripts/build-images.sh tor`).
  tor: () => ({
    ...bare('tor', {}),
    docker: { ...baseDocker('omnitron-local/tor:bookworm', TOR_DOCKER_DATA_DIR, ['sh', '-c', WRITE_TORRC_AND_RUN]), extraHosts: ['host.docker.internal:host-gateway'] },
  }),
  openresty: () => ({
    ...bare('openresty', { http: GATEWAY_PRESET.port }),
    docker: { ...baseDocker(GATEWAY_PRESET.image, '', []), volumes: {} },
  }),
};

function bare(preset: KnownPreset, ports: Record<string, number>): ServiceRequirement {
  return { ports, env: {}, secrets: {}, startupTimeout: SERVICE_DEFAULTS.startupTimeout, dependsOn: [], critical: SERVICE_DEFAULTS.critical, preset };
}

/** The plain expansion of a supported preset, as auto-provisioning uses it. */
export function presetRequirement(preset: SupportedPreset): ServiceRequirement {
  return PRESETS[preset]();
}

export function isSupportedPreset(name: string): name is SupportedPreset {
  return (SUPPORTED_PRESETS as readonly string[]).includes(name);
}

/** `ctx` points at the service entry; `name` is the service's name. */
export function expandPreset(name: string, raw: RawPresetService, ctx: SourceContext): { requirement?: ServiceRequirement; diagnostics: Diagnostic[] } {
  if (!(KNOWN_PRESETS as readonly string[]).includes(raw.preset)) {
    return { diagnostics: [error(`unknown preset "${raw.preset}"${suggestion(raw.preset, KNOWN_PRESETS)}`, {
      detail: `known presets are ${quotedList(KNOWN_PRESETS)}; for anything else declare ports and a docker block instead of preset`,
      ...at(ctx, 'preset'),
    })] };
  }
  if (!isSupportedPreset(raw.preset)) {
    const requirement = { ...bare(raw.preset as KnownPreset, { ...raw.ports }), ...(raw.config ? { presetConfig: raw.config } : {}) };
    return { requirement, diagnostics: [warning(`preset "${raw.preset}" is not yet supported; it will not be provisioned`, {
      detail: `service "${name}" is accepted but omnitron plans nothing for it yet`,
      ...at(ctx, 'preset'),
    })] };
  }
  return customize(presetRequirement(raw.preset), raw, ctx);
}

/**
 * A preset entry's fields over the preset. `ports` naming a preset port (e.g. `main`) set the HOST
 * port: the image keeps listening on its own port (real Omnitron published `-p 5433:5433`, which the
 * stock image never answers). New port names extend the container ports.
 */
function customize(req: ServiceRequirement, raw: RawPresetService, ctx: SourceContext): { requirement: ServiceRequirement; diagnostics: Diagnostic[] } {
  const { overlay, diagnostics } = normalizeDockerOverlay(raw.docker ?? {}, within(ctx, 'docker'));
  const hostPorts: Record<string, number> = {};
  for (const [port, value] of Object.entries(raw.ports ?? {})) {
    if (port in req.ports) hostPorts[port] = value;
    else req.ports[port] = value;
  }
  let docker = overlayDocker(req.docker!, { portMappings: hostPorts, ...(raw.image ? { image: raw.image } : {}) });
  docker = overlayDocker(docker, overlay);
  if (raw.resources) docker = { ...docker, resources: { ...raw.resources } };
  diagnostics.push(...checkPortMappings(overlay.portMappings, req.ports, within(ctx, 'docker')));
  const requirement: ServiceRequirement = {
    ...req,
    ...(raw.description ? { description: raw.description } : {}),
    secrets: normalizeSecrets(raw.secrets),
    startupTimeout: raw.startupTimeout === undefined ? req.startupTimeout : toMs(raw.startupTimeout),
    dependsOn: [...(raw.dependsOn ?? [])],
    critical: raw.critical ?? req.critical,
    docker,
    ...(raw.config ? { presetConfig: raw.config } : {}),
    ...(raw.bareMetal ? { bareMetal: raw.bareMetal } : {}),
  };
  if (req.preset === 'minio' && raw.config?.buckets !== undefined) {
    const parsed = parseBucketList(raw.config.buckets, ctx, 'config', 'buckets');
    requirement.presetConfig = { ...raw.config, buckets: parsed.buckets };
    diagnostics.push(...parsed.diagnostics);
  }
  if (req.preset === 'tor') {
    const parsed = parseTorConfig(raw.config, ctx);
    requirement.presetConfig = { ...parsed.tor };
    diagnostics.push(...parsed.diagnostics);
  }
  const scope = { ports: requirement.ports, secrets: requirement.secrets };
  diagnostics.push(...checkSecretKeys(raw.secrets, ctx));
  if (raw.docker) diagnostics.push(...checkDockerTemplates(raw.docker, scope, within(ctx, 'docker')));
  if (raw.bareMetal) diagnostics.push(...checkBareMetal(raw.bareMetal, within(ctx, 'bareMetal')), ...checkBareMetalTemplates(raw.bareMetal, scope, within(ctx, 'bareMetal')));
  if (req.preset === 'openresty') {
    const { site, diagnostics: siteDiagnostics } = readGatewaySite(raw.config, ctx);
    diagnostics.push(...siteDiagnostics);
    if (site) requirement.gatewaySite = site;
  }
  return { requirement, diagnostics };
}
