/**
 * Docker resources for one service of a local stack: its image, named volumes and container. Presets
 * get their secrets and health checks here; custom services keep what the config says.
 */
import { ref, type Expr } from '../expr.js';
import type { DesiredResource } from '../resource.js';
import type { DockerServiceSpec, HealthCheckSpec, ResolvedService, StackModel } from '../config/model.js';
import { addr, objectPrefix } from './addresses.js';
import { sensitivePaths } from './sensitive.js';

/** The generated password is alphanumeric, so it needs no quoting inside the config line. */
const REQUIREPASS_ON_STDIN = 'exec "$@" - <<EOF\nrequirepass "$REDIS_PASSWORD"\nEOF';
import { renderServiceTemplate, generatedSecretKeys } from './service-templates.js';
import { gatewayDockerResources } from './gateway-docker.js';
import { torDockerWiring } from './tor-wiring.js';
import { minioDockerWiring, storageSecretNames } from './s3-wiring.js';

import { POSTGRES_SUPERUSER, POSTGRES_SUPERUSER_SECRET, REDIS_SECRET } from './addresses.js';

export { POSTGRES_SUPERUSER, POSTGRES_SUPERUSER_SECRET, REDIS_SECRET };

export interface ServiceBuildInput {
  model: StackModel;
  service: ResolvedService;
  /** Highest Redis DB index handed out in this stack (redis preset sizes `--databases` from it). */
  redisMaxIndex: number;
  /** Where the stack's local files live (the gateway's config). */
  stackDir: string;
}

export function dockerServiceResources({ model, service, redisMaxIndex, stackDir }: ServiceBuildInput): DesiredResource[] {
  const docker = service.docker;
  if (!docker) return [];
  if (service.requirement.preset === 'openresty') return gatewayDockerResources({ model, service, stackDir });
  const prefix = objectPrefix(model.project, model.stack.name);
  const volumes = namedVolumes(docker, prefix, service.name);
  const image: DesiredResource = resource(addr.image(service.name), 'docker_image', { name: docker.image });
  const container = containerResource(model, service, docker, prefix, redisMaxIndex);
  container.dependsOn.push(image.address, addr.network(), ...volumes.map((v) => v.address));
  return [image, ...volumes, container];
}

function resource(address: string, type: string, attributes: Expr, dependsOn: string[] = []): DesiredResource {
  return { address, type, attributes, dependsOn, sensitive: sensitivePaths(attributes) };
}

function namedVolumes(docker: DockerServiceSpec, prefix: string, service: string): DesiredResource[] {
  return Object.entries(docker.volumes)
    .filter(([, v]) => !isBindSource(v.source))
    .map(([key]) => resource(addr.volume(service, key), 'docker_volume', { name: `${prefix}-${service}-${key}` }));
}

function isBindSource(source: string): boolean {
  return source.startsWith('/') || source.startsWith('.');
}

function containerResource(model: StackModel, service: ResolvedService, docker: DockerServiceSpec, prefix: string, redisMaxIndex: number): DesiredResource {
  const preset = presetWiring(service, docker, redisMaxIndex);
  const attributes: Expr = {
    name: `${prefix}-${service.name}`,
    image: docker.image,
    ...(preset.command ?? docker.command ? { command: preset.command ?? docker.command! } : {}),
    ...(docker.entrypoint ? { entrypoint: docker.entrypoint } : {}),
    env: { ...containerEnv(service, docker), ...preset.env },
    ports: Object.entries(service.requirement.ports).map(([name, container]) => ({
      name, container, host: docker.portMappings[name] ?? container, hostIp: docker.bindHost,
    })),
    volumes: Object.entries(docker.volumes).map(([key, v]) => ({
      type: isBindSource(v.source) ? 'bind' : 'volume',
      source: isBindSource(v.source) ? v.source : `${prefix}-${service.name}-${key}`,
      target: v.target,
      readonly: v.readonly,
    })),
    network: `${prefix}_default`,
    aliases: [service.name],
    ...(preset.healthcheck ?? healthcheck(docker, service.requirement.healthCheck, service.requirement.ports)
      ? { healthcheck: preset.healthcheck ?? healthcheck(docker, service.requirement.healthCheck, service.requirement.ports)! }
      : {}),
    restart: docker.restart,
    ...(docker.resources.memory ? { memory: docker.resources.memory } : {}),
    ...(docker.resources.memoryReservation ? { memoryReservation: docker.resources.memoryReservation } : {}),
    ...(docker.resources.cpus !== undefined ? { cpus: docker.resources.cpus } : {}),
    ...(docker.shmSize ? { shmSize: docker.shmSize } : {}),
    labels: docker.labels,
    extraHosts: docker.extraHosts,
  };
  const deps = service.requirement.dependsOn.map((d) => addr.container(d));
  const r = resource(addr.container(service.name), 'docker_container', attributes, deps);
  r.startupTimeout = Math.ceil(service.requirement.startupTimeout / 1000);
  return r;
}

/** Container env: literal values, with `${secret:NAME}` (and host/port) templates rendered like app env. */
function containerEnv(service: ResolvedService, docker: DockerServiceSpec): Record<string, Expr> {
  const env: Record<string, Expr> = {};
  for (const [k, v] of Object.entries(docker.environment)) env[k] = renderServiceTemplate(v, service, service.name).expr;
  return env;
}

interface PresetWiring { env?: Record<string, Expr>; command?: string[]; healthcheck?: Expr }

function presetWiring(service: ResolvedService, docker: DockerServiceSpec, redisMaxIndex: number): PresetWiring {
  const preset = service.requirement.preset;
  if (preset === 'postgres') {
    return {
      env: { POSTGRES_USER: POSTGRES_SUPERUSER, POSTGRES_PASSWORD: ref(addr.secret(POSTGRES_SUPERUSER_SECRET), 'result') },
      healthcheck: docker.healthCheck ?? probe(['CMD', 'pg_isready', '-U', POSTGRES_SUPERUSER, '-h', '127.0.0.1']),
    };
  }
  if (preset === 'redis') {
    const secret = ref(addr.secret(REDIS_SECRET), 'result');
    const base = docker.command ?? ['redis-server'];
    return {
      // requirepass reaches redis-server as config on stdin (`-`), never in its argv, which any user on the host can list.
      env: { REDIS_PASSWORD: secret, REDISCLI_AUTH: secret },
      command: ['sh', '-c', REQUIREPASS_ON_STDIN, 'redis', ...base, '--databases', String(Math.max(16, redisMaxIndex + 1))],
      healthcheck: docker.healthCheck ?? probe(['CMD-SHELL', 'redis-cli ping | grep -q PONG']),
    };
  }
  if (preset === 'minio') return minioDockerWiring(service, docker);
  if (preset === 'tor') {
    const tor = torDockerWiring(service);
    return { env: tor.env, healthcheck: docker.healthCheck ?? tor.healthcheck };
  }
  return {};
}

function probe(test: string[]): Expr {
  return { test, interval: 1000, timeout: 5000, retries: 60, startPeriod: 0 };
}

/** The config's health check in Docker terms (as real Omnitron converts it, with a tcp port name resolved). */
function healthcheck(docker: DockerServiceSpec, spec: HealthCheckSpec | undefined, ports: Record<string, number>): Expr | undefined {
  if (docker.healthCheck) return docker.healthCheck;
  if (!spec) return undefined;
  const timing = { interval: spec.interval, timeout: spec.timeout, retries: spec.retries, startPeriod: spec.startPeriod };
  if (spec.type === 'command') return { test: ['CMD-SHELL', spec.target], ...timing };
  if (spec.type === 'tcp') {
    const port = ports[spec.target] ?? Number(spec.target);
    return { test: ['CMD', 'nc', '-z', '127.0.0.1', String(port)], ...timing };
  }
  if (spec.type === 'http') {
    const target = /^https?:/.test(spec.target) ? spec.target : `http://127.0.0.1${spec.target.startsWith(':') || spec.target.startsWith('/') ? '' : ':'}${spec.target}`;
    return { test: ['CMD', 'curl', '-sf', target], ...timing };
  }
  return { test: ['CMD-SHELL', `curl -sf -X POST http://127.0.0.1:${ports.jsonrpc ?? ''}/json_rpc`], ...timing };
}

/** Secrets a service needs generated, including the preset's own. */
export function serviceSecretNames(service: ResolvedService): string[] {
  const own = service.requirement.preset === 'postgres' ? [POSTGRES_SUPERUSER_SECRET]
    : service.requirement.preset === 'redis' ? [REDIS_SECRET] : service.requirement.preset === 'minio' ? storageSecretNames(service) : [];
  return service.external ? generatedSecretKeys(service).filter((k) => !(k in service.external!.secrets)) : [...own, ...generatedSecretKeys(service)];
}
