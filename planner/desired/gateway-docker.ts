/**
 * The gateway preset on a local stack: its config files written under the stack's directory and
 * bind-mounted into an nginx container. The apps it routes to run on this machine's loopback, so the
 * container shares the host's network; it starts after them (the local agent) and after Redis.
 * A changed file changes the container's config label, which replaces it: nginx starts on the new config.
 */
import path from 'node:path';
import { ref, type Expr } from '../expr.js';
import { sha256 } from '../hash.js';
import type { ResolvedService, StackModel } from '../config/model.js';
import type { DesiredResource } from '../resource.js';
import { maintenanceKey } from '../../contract/maintenance-flag.js';
import { address, addr, LOCAL_AGENT_ADDRESS, objectPrefix, REDIS_SECRET } from './addresses.js';
import { GATEWAY_LUA_PATH, GATEWAY_PATHS, fillPlaceholders, gatewayCommand, generatedConfig, mainConfig } from './gateway-nginx.js';
import { gatewayUpstreams, type Upstream } from './gateway-upstreams.js';
import { maintenanceLua, restyRedisLua } from './gateway-lua.js';
import { sensitivePaths } from './sensitive.js';

export const GATEWAY_CONFIG_LABEL = 'omnitron.gateway-config';
const LOCAL_HOST = '127.0.0.1';

/** A file the gateway reads: where nginx sees it, and its content. */
export interface GatewayFile { target: string; content: string }

export interface GatewayInput { model: StackModel; service: ResolvedService; stackDir: string }

export function gatewayDockerResources({ model, service, stackDir }: GatewayInput): DesiredResource[] {
  const docker = service.docker!;
  const dir = path.join(stackDir, service.name);
  const files = gatewayFiles(model, service, model.apps.length ? gatewayUpstreams(model.apps, () => [LOCAL_HOST]) : [], {
    host: docker.bindHost, port: service.endpointPorts.http,
  });
  const fileResources = files.map((f): DesiredResource => ({
    address: address('local_file', `${service.name}${f.target}`),
    type: 'local_file',
    attributes: { path: hostPath(dir, f.target), mode: '0644', content: f.content },
    dependsOn: [],
    sensitive: [],
  }));
  const image: DesiredResource = { address: addr.image(service.name), type: 'docker_image', attributes: { name: docker.image }, dependsOn: [], sensitive: [] };
  const attributes: Expr = {
    name: `${objectPrefix(model.project, model.stack.name)}-${service.name}`,
    image: docker.image,
    command: docker.command?.length ? docker.command : gatewayCommand(),
    env: { ...docker.environment, ...gatewayEnv(model, LOCAL_HOST), LUA_PATH: GATEWAY_LUA_PATH },
    ports: [],
    volumes: mounts(dir, files),
    network: 'host',
    aliases: [],
    healthcheck: docker.healthCheck ?? { test: ['CMD-SHELL', healthProbe(service.endpointPorts.http)], interval: 1000, timeout: 5000, retries: 60, startPeriod: 0 },
    restart: docker.restart,
    labels: { ...docker.labels, [GATEWAY_CONFIG_LABEL]: sha256(files.map((f) => `${f.target}\n${f.content}`).join('\n\0')).slice(0, 16) },
    extraHosts: docker.extraHosts,
  };
  const redis = stackRedis(model);
  const container: DesiredResource = {
    address: addr.container(service.name),
    type: 'docker_container',
    attributes,
    dependsOn: [
      image.address, ...fileResources.map((f) => f.address),
      ...(redis && !redis.external ? [addr.container(redis.name)] : []),
      ...(model.apps.length ? [LOCAL_AGENT_ADDRESS] : []),
    ],
    sensitive: sensitivePaths(attributes),
    startupTimeout: Math.ceil(service.requirement.startupTimeout / 1000),
  };
  return [image, ...fileResources, container];
}

/** The files nginx runs from: the user's site (placeholders filled) or a generated one, and omnitron's own. */
export function gatewayFiles(model: StackModel, service: ResolvedService, upstreams: readonly Upstream[], listen: { host: string; port: number }): GatewayFile[] {
  const site = service.requirement.gatewaySite;
  const siteFiles: Record<string, string> = site
    ? Object.fromEntries(Object.entries(site.files).map(([rel, text]) => [rel, rel.endsWith('.conf') ? fillPlaceholders(text, upstreams).text : text]))
    : { 'nginx.conf': generatedConfig({ upstreams, listen, maintenance: stackRedis(model) !== undefined }) };
  // The seed's check serves /etc/nginx/maintenance.html; a site without one would answer 500 instead of 503.
  if (site && !('maintenance.html' in siteFiles)) siteFiles['maintenance.html'] = DEFAULT_MAINTENANCE_PAGE;
  return [
    { target: GATEWAY_PATHS.main, content: mainConfig(siteFiles['nginx.conf']) },
    ...Object.entries(siteFiles).map(([rel, content]) => ({ target: `${GATEWAY_PATHS.site}/${rel}`, content })),
    { target: `${GATEWAY_PATHS.luaFallback}/resty/redis.lua`, content: restyRedisLua },
    { target: `${GATEWAY_PATHS.luaFallback}/maintenance.lua`, content: maintenanceLua },
  ];
}

const DEFAULT_MAINTENANCE_PAGE = '<!doctype html><html><head><title>Maintenance</title></head><body><h1>Down for maintenance</h1><p>We will be back shortly.</p></body></html>\n';

/** REDIS_* for the maintenance check (the stack's Redis, DB 0, at `redisHost` unless external) and the flag's key. */
export function gatewayEnv(model: StackModel, redisHost: string): Record<string, Expr> {
  const redis = stackRedis(model);
  const key = { OMNITRON_MAINTENANCE_KEY: maintenanceKey(model.project) };
  if (!redis) return key;
  return {
    ...key,
    REDIS_HOST: redis.external?.host ?? redisHost,
    REDIS_PORT: String(redis.endpointPorts.main),
    REDIS_PASSWORD: redis.external?.secrets.password ?? ref(addr.secret(REDIS_SECRET), 'result'),
  };
}

export function stackRedis(model: StackModel): ResolvedService | undefined {
  return model.services.find((s) => s.name === 'redis' && s.requirement.preset === 'redis');
}

/** `/etc/nginx/lua/x.lua` → `<dir>/etc/nginx/lua/x.lua`: the host mirrors the container's layout. */
function hostPath(dir: string, target: string): string {
  return path.join(dir, 'root', target);
}

/** One read-only bind per top-level entry of /etc/nginx we ship (the image's own files stay visible). */
function mounts(dir: string, files: readonly GatewayFile[]): Expr[] {
  return mountTargets(files).map((target) => ({ type: 'bind', source: hostPath(dir, target), target, readonly: true }));
}

/** The top-level entries of /etc/nginx the files fall under, sorted: each is bound over its place as a whole. */
export function mountTargets(files: readonly GatewayFile[]): string[] {
  const tops = new Set(files.map((f) => {
    const rest = path.posix.relative(GATEWAY_PATHS.site, f.target);
    return rest.startsWith('..') ? f.target : `${GATEWAY_PATHS.site}/${rest.split('/')[0]}`;
  }));
  return [...tops].sort();
}

/** Any HTTP answer means nginx serves (a user's config may have no /nginx-health, or be in maintenance). */
function healthProbe(port: number): string {
  const url = `http://127.0.0.1:${port}${GATEWAY_PATHS.healthPath}`;
  return `curl -s -o /dev/null ${url} || wget -S -O /dev/null ${url} 2>&1 | grep -q HTTP/`;
}
