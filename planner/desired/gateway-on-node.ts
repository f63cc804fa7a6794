/**
 * The `openresty` preset on a bare-metal node: Debian's nginx with its Lua module (the packages the
 * test bed's gateway image has), the same files a local stack's container mounts, and a unit of its
 * own, `omnitron-<service>.service`, not Debian's nginx.service: a server may already run nginx for
 * something else, so /etc/nginx stays as the package (or its admin) left it. The files live under
 * /etc/omnitron/gateway/<service>/ and the unit binds each over its place in /etc/nginx inside its
 * own mount namespace only, so the user's config and Lua keep the paths they were written for
 * (the guide's check opens /etc/nginx/maintenance.html). REDIS_* reach the Lua through a 0600 env
 * file. The gateway starts after the apps it routes to, wherever they run, and is health-gated.
 */
import { digest, type Expr } from '../expr.js';
import { sha256 } from '../hash.js';
import type { NodeSpec, ResolvedService, StackModel } from '../config/model.js';
import type { DesiredResource } from '../resource.js';
import { nodeAddress } from './addresses.js';
import type { ServiceOnNode } from './baremetal-services.js';
import { gatewayEnv, gatewayFiles, mountTargets, type GatewayFile } from './gateway-docker.js';
import { GATEWAY_LUA_PATH, GATEWAY_PATHS } from './gateway-nginx.js';
import type { Upstream } from './gateway-upstreams.js';
import { renderServiceUnit } from './render-unit.js';
import { sensitivePaths } from './sensitive.js';

export const GATEWAY_PACKAGES = ['nginx', 'libnginx-mod-http-lua', 'lua-resty-core'] as const;
const NGINX_BINARY = '/usr/sbin/nginx';
const LOOPBACK = '127.0.0.1';

export interface GatewayOnNodeInput {
  model: StackModel;
  service: ResolvedService;
  node: NodeSpec;
  /** Where each routed app runs, as this node reaches it. */
  upstreams: readonly Upstream[];
  /** The stack's Redis as this node reaches it (127.0.0.1 when it runs here). */
  redisHost: string;
  /** What the gateway starts after: the agents that run the apps it routes to, and the stack's Redis. */
  after: readonly string[];
}

export const gatewayUnitName = (service: string) => `omnitron-${service}.service`;
export const gatewayNodeDir = (service: string) => `/etc/omnitron/gateway/${service}`;
const envFilePath = (service: string) => `${gatewayNodeDir(service)}.env`;
/** Where a file nginx reads at `target` (/etc/nginx/…) is kept on the node. */
const sourceOf = (service: string, target: string) => `${gatewayNodeDir(service)}${target}`;

export function gatewayOnNode(input: GatewayOnNodeInput): ServiceOnNode {
  const { model, service, node } = input;
  const n = node.name;
  const packages = GATEWAY_PACKAGES.map((name) => res(nodeAddress('apt_package', n, name), 'apt_package', { node: n, name }));
  const installed = packages.map((p) => p.address);
  const files = gatewayFiles(model, service, input.upstreams, { host: listenHost(service), port: service.endpointPorts.http });
  const fileResources = files.map((f) => res(nodeAddress('node_file', n, `${service.name}${f.target}`), 'node_file', {
    node: n, path: sourceOf(service.name, f.target), owner: 'root', group: 'root', mode: '0644', content: f.content,
  }, installed));
  const variables: Record<string, Expr> = { ...gatewayEnv(model, input.redisHost), LUA_PATH: GATEWAY_LUA_PATH };
  const env = res(nodeAddress('node_env_file', n, service.name), 'node_env_file', {
    node: n, path: envFilePath(service.name), owner: 'root', group: 'root', mode: '0600', variables,
  }, installed);
  const unitName = gatewayUnitName(service.name);
  const content = gatewayUnit(model, service, files);
  const unit = res(nodeAddress('systemd_unit', n, service.name), 'systemd_unit', { node: n, name: unitName, content });
  const reload = res(nodeAddress('systemd_daemon_reload', n, service.name), 'systemd_daemon_reload', { node: n, units: { [unitName]: sha256(content) } }, [unit.address]);
  const systemd = res(nodeAddress('systemd_service', n, service.name), 'systemd_service', {
    node: n, name: unitName, enabled: true, active: true,
    // A changed file or environment restarts nginx on the new config (the flag itself is read live, never restarts it).
    inputs: digest([content, files.map((f) => [f.target, f.content]), variables]),
    health: gatewayHealth(service, files),
  }, [...installed, ...fileResources.map((f) => f.address), env.address, reload.address, ...input.after]);
  systemd.startupTimeout = Math.ceil(service.requirement.startupTimeout / 1000);
  return { resources: [...packages, ...fileResources, env, unit, reload, systemd], ready: systemd.address };
}

/**
 * /nginx-health on the gateway's port where the config has it (the generated one does), else its
 * port accepting connections: the guide's config has no such location and would answer 404.
 */
export function gatewayHealth(service: ResolvedService, files: readonly GatewayFile[]): Expr {
  const port = service.endpointPorts.http;
  const timing = { interval: 1000, timeout: 5000, retries: 60, startPeriod: 0 };
  const hasHealth = files.some((f) => f.target.endsWith('.conf') && f.content.includes(GATEWAY_PATHS.healthPath));
  return hasHealth
    ? { type: 'http', target: `http://${LOOPBACK}:${port}${GATEWAY_PATHS.healthPath}`, ...timing }
    : { type: 'tcp', target: `${LOOPBACK}:${port}`, ...timing };
}

/** The generated config listens where bareMetal.bindAddress says, on every address by default. */
function listenHost(service: ResolvedService): string {
  return service.requirement.bareMetal?.bindAddress ?? '0.0.0.0';
}

/**
 * nginx in the foreground as root (workers drop to the config's `user`, else nobody), its pid file
 * in its own runtime directory (Debian's nginx.service keeps /run/nginx.pid), errors to the journal.
 */
export function gatewayUnit(model: StackModel, service: ResolvedService, files: readonly GatewayFile[]): string {
  const runtime = `omnitron-${service.name}`;
  const binds = mountTargets(files).map((target) => `${sourceOf(service.name, target)}:${target}`);
  return renderServiceUnit({
    description: `${model.project} gateway ${service.name}: nginx with Lua (omnitron)`,
    execStart: [NGINX_BINARY, '-c', GATEWAY_PATHS.main, '-g', `daemon off; pid /run/${runtime}/nginx.pid; error_log stderr;`],
    user: 'root', group: 'root', stateDirectory: runtime,
    environmentFile: envFilePath(service.name),
    // Debian's build keeps its temp files under /var/lib/nginx and opens /var/log/nginx/error.log before it reads the config.
    readWritePaths: ['/var/lib/nginx', '/var/log/nginx'],
    extra: {
      ExecReload: '/bin/kill -HUP $MAINPID',
      // nginx's graceful stop: workers finish the requests in flight.
      KillSignal: 'SIGQUIT',
      RuntimeDirectory: runtime,
      BindReadOnlyPaths: binds.join(' '),
      UMask: '0022',
    },
  });
}

function res(address: string, type: string, attributes: Expr, dependsOn: string[] = []): DesiredResource {
  return { address, type, attributes, dependsOn, sensitive: sensitivePaths(attributes) };
}
