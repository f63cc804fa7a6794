/**
 * Infrastructure on bare-metal nodes: the postgres and redis presets from Debian's packages, and
 * custom services from their `bareMetal` block (a unit the package provides, a config file rendered
 * from `configTemplate`, a data directory, a version check, an install command).
 */
import { digest, ref, template, type Expr } from '../expr.js';
import type { HealthCheckSpec, NodeSpec, ResolvedService, StackModel } from '../config/model.js';
import { packagesOf } from '../config/bare-metal-packages.js';
import { ipFamily } from '../config/network-values.js';
import type { BareMetalServiceConfig } from '../config/define.js';
import type { DesiredResource } from '../resource.js';
import { addr, nodeAddress } from './addresses.js';
import { POSTGRES_SUPERUSER, POSTGRES_SUPERUSER_SECRET, REDIS_SECRET } from './docker-service.js';
import { sensitivePaths } from './sensitive.js';
import { renderServiceTemplate } from './service-templates.js';

/** Debian bookworm ships PostgreSQL 15; its cluster lives under this path. */
export const PG_MAJOR = '15';
const PG_ETC = `/etc/postgresql/${PG_MAJOR}/main`;

export interface ServiceOnNode {
  resources: DesiredResource[];
  /** The resource whose completion means "the service is up". */
  ready: string;
}

function res(address: string, type: string, attributes: Expr, dependsOn: string[] = [], startupTimeout?: number): DesiredResource {
  return { address, type, attributes, dependsOn, sensitive: sensitivePaths(attributes), ...(startupTimeout ? { startupTimeout } : {}) };
}

export function postgresOnNode(model: StackModel, svc: ResolvedService, node: NodeSpec, clients: string[]): ServiceOnNode {
  const n = node.name;
  const port = svc.requirement.ports.main ?? 5432;
  const pkg = res(nodeAddress('apt_package', n, 'postgresql'), 'apt_package', { node: n, name: 'postgresql', ...(svc.requirement.version ? { version: svc.requirement.version } : {}) });
  const conf = res(nodeAddress('node_file', n, 'postgres_conf'), 'node_file', {
    node: n, path: `${PG_ETC}/conf.d/omnitron.conf`, owner: 'postgres', group: 'postgres', mode: '0644',
    content: `# Managed by omnitron.\nlisten_addresses = '${svc.requirement.bareMetal?.bindAddress ?? '*'}'\nport = ${port}\npassword_encryption = scram-sha-256\n`,
  }, [pkg.address]);
  const hba = res(nodeAddress('node_file', n, 'postgres_hba'), 'node_file', {
    node: n, path: `${PG_ETC}/pg_hba.conf`, owner: 'postgres', group: 'postgres', mode: '0640', content: pgHba(model, clients),
  }, [pkg.address]);
  const service = res(nodeAddress('systemd_service', n, 'postgresql'), 'systemd_service', {
    node: n, name: `postgresql@${PG_MAJOR}-main.service`, enabled: true, active: true, inputs: digest([conf.attributes, hba.attributes]),
  }, [conf.address, hba.address], Math.ceil(svc.requirement.startupTimeout / 1000));
  const superuser = res(nodeAddress('postgres_superuser', n, POSTGRES_SUPERUSER), 'postgres_superuser', {
    node: n, user: POSTGRES_SUPERUSER, password: ref(addr.secret(POSTGRES_SUPERUSER_SECRET), 'result'),
  }, [service.address]);
  return { resources: [pkg, conf, hba, service, superuser], ready: superuser.address };
}

function pgHba(model: StackModel, clients: string[]): string {
  const q = (s: string) => `"${s}"`;
  const lines = [
    '# Managed by omnitron: edits show up as drift and are reverted by `omnitron apply`.',
    'local   all   postgres                 peer',
    'local   all   all                      peer',
    'host    all   all   127.0.0.1/32   scram-sha-256',
    'host    all   all   ::1/128        scram-sha-256',
  ];
  for (const app of model.apps.filter((a) => a.requirements.database)) {
    for (const client of clients) lines.push(`host    ${q(app.name)}   ${q(app.name)}   ${hbaAddress(client)}   scram-sha-256`);
  }
  return `${lines.join('\n')}\n`;
}

/** An IP address as its one-host prefix (pg_hba.conf would read a bare one's next field as a netmask); a host name as is. */
function hbaAddress(client: string): string {
  const family = ipFamily(client);
  return family === 4 ? `${client}/32` : family === 6 ? `${client}/128` : client;
}

export function redisOnNode(svc: ResolvedService, node: NodeSpec, redisMax: number): ServiceOnNode {
  const n = node.name;
  const port = svc.requirement.ports.main ?? 6379;
  const pkg = res(nodeAddress('apt_package', n, 'redis-server'), 'apt_package', { node: n, name: 'redis-server', ...(svc.requirement.version ? { version: svc.requirement.version } : {}) });
  const content = template(
    '# Managed by omnitron: edits show up as drift and are reverted by `omnitron apply`.\n',
    `bind ${svc.requirement.bareMetal?.bindAddress ?? '0.0.0.0'}\nport ${port}\nprotected-mode yes\n`,
    'requirepass ', ref(addr.secret(REDIS_SECRET), 'result'), '\n',
    `databases ${Math.max(16, redisMax + 1)}\nappendonly yes\ndir /var/lib/redis\nsupervised systemd\ndaemonize no\nlogfile ""\n`,
  );
  const conf = res(nodeAddress('node_file', n, 'redis_conf'), 'node_file', { node: n, path: '/etc/redis/redis.conf', owner: 'redis', group: 'redis', mode: '0640', content }, [pkg.address]);
  const service = res(nodeAddress('systemd_service', n, 'redis-server'), 'systemd_service', {
    node: n, name: 'redis-server.service', enabled: true, active: true, inputs: digest(conf.attributes),
  }, [conf.address], Math.ceil(svc.requirement.startupTimeout / 1000));
  return { resources: [pkg, conf, service], ready: service.address };
}

/** An environment file omnitron writes for the service's unit (root-only: it may hold secrets), read through the unit's EnvironmentFile=. */
export interface UnitEnvironment { path: string; variables: Record<string, Expr> }

/**
 * A custom service from its `bareMetal` block, with `variants[networkMode]` laid over it; `environment`
 * is written after the install and before the unit starts, and restarts it when it changes.
 */
export function customOnNode(svc: ResolvedService, node: NodeSpec, hostFor: (s: ResolvedService) => string, environment?: UnitEnvironment): ServiceOnNode | undefined {
  const base = svc.requirement.bareMetal;
  if (!base) return undefined;
  const bm = { ...base, ...(svc.requirement.networkMode ? base.variants?.[svc.requirement.networkMode] : undefined) };
  const n = node.name;
  const packages = packagesOf(bm).map((p) => res(nodeAddress('apt_package', n, p.name), 'apt_package', { node: n, name: p.name, ...(p.version !== undefined ? { version: p.version } : {}) }));
  const install = bm.installCommand ? [res(nodeAddress('node_command', n, `${svc.name}_install`), 'node_command', {
    node: n, command: bm.installCommand, ...(bm.validateCommand ? { unless: bm.validateCommand, ...(bm.user ? { unlessUser: bm.user } : {}) } : {}),
  }, packages.map((r) => r.address))] : [];
  const installers = [...packages, ...install];
  // The account after the install, which usually makes it (a package's own user is then used as is).
  const user = bm.user && bm.user !== 'root'
    ? [res(nodeAddress('service_user', n, bm.user), 'service_user', { node: n, name: bm.user, home: bm.dataDir ?? '/nonexistent' }, installers.map((r) => r.address))] : [];
  const prepared = [...installers, ...versionCheck(svc, bm, n, installers), ...user];
  const after = prepared.map((r) => r.address);
  const out = [...prepared];
  const envFile = environment && res(nodeAddress('node_env_file', n, svc.name), 'node_env_file', {
    node: n, path: environment.path, owner: 'root', group: 'root', mode: '0600', variables: environment.variables,
  }, after);
  if (envFile) out.push(envFile);
  if (bm.dataDir) out.push(res(nodeAddress('node_directory', n, `${svc.name}_data`), 'node_directory', { node: n, path: bm.dataDir, owner: bm.user ?? 'root', group: bm.user ?? 'root', mode: '0750' }, after));
  let inputs: Expr = envFile ? envFile.attributes : null;
  if (bm.configFile && bm.configTemplate) {
    const rendered = renderServiceTemplate(bm.configTemplate, svc, hostFor(svc));
    const file = res(nodeAddress('node_file', n, `${svc.name}_config`), 'node_file', {
      node: n, path: bm.configFile, owner: bm.user ?? 'root', group: bm.user ?? 'root', mode: '0640', content: rendered.expr,
    }, after);
    out.push(file);
    inputs = envFile ? [envFile.attributes, file.attributes] : file.attributes;
  }
  if (!bm.systemdUnit) return { resources: out, ready: out[out.length - 1]?.address ?? '' };
  const unit = bm.systemdUnit.endsWith('.service') || bm.systemdUnit.includes('.') ? bm.systemdUnit : `${bm.systemdUnit}.service`;
  const health = svc.requirement.healthCheck && healthOnNode(svc.requirement.healthCheck, svc.requirement.ports, bm);
  const service = res(nodeAddress('systemd_service', n, svc.name), 'systemd_service', {
    node: n, name: unit, enabled: true, active: true, inputs: digest(inputs), ...(health ? { health } : {}),
  }, out.map((r) => r.address), Math.ceil(svc.requirement.startupTimeout / 1000));
  return { resources: [...out, service], ready: service.address };
}

/**
 * The service's healthCheck as the node runs it: tcp and http against the address it listens on
 * (127.0.0.1 unless bindAddress names one), a jsonrpc check as a tcp check of its port.
 */
function healthOnNode(spec: HealthCheckSpec, ports: Record<string, number>, bm: BareMetalServiceConfig): Expr {
  const timing = { interval: spec.interval, timeout: spec.timeout, retries: spec.retries, startPeriod: spec.startPeriod, ...(bm.user ? { user: bm.user } : {}) };
  const bound = bm.bindAddress && !['*', '0.0.0.0', '::'].includes(bm.bindAddress) ? bm.bindAddress : '127.0.0.1';
  const host = bound.includes(':') ? `[${bound}]` : bound;
  const hostPort = (port: number) => `${host}:${port}`;
  if (spec.type === 'command') return { type: 'command', target: spec.target, ...timing };
  if (spec.type === 'tcp') return { type: 'tcp', target: hostPort(ports[spec.target] ?? Number(spec.target)), ...timing };
  if (spec.type === 'jsonrpc') return { type: 'tcp', target: hostPort(ports.jsonrpc), ...timing };
  const url = /^https?:/.test(spec.target) ? spec.target : `http://${host}${spec.target.startsWith(':') || spec.target.startsWith('/') ? '' : ':'}${spec.target}`;
  return { type: 'http', target: url, ...timing };
}

/**
 * The version check runs once what installs the service has run: it refers to their outputs, unknown
 * until then, so on a fresh node it is checked during apply. Presets check their version through
 * apt_package's range instead. The command runs as the service's user when it exists on the node,
 * else as nobody (never as root).
 */
function versionCheck(svc: ResolvedService, bm: BareMetalServiceConfig, node: string, installers: readonly DesiredResource[]): DesiredResource[] {
  const { validateCommand: command, user } = bm;
  if (!svc.requirement.version || !command) return [];
  const after = installers.map((r) => ref(r.address, r.type === 'apt_package' ? 'version' : 'installed'));
  return [res(nodeAddress('version_check', node, svc.name), 'version_check', {
    node, service: svc.name, command, range: svc.requirement.version, ...(user ? { user } : {}), ...(after.length > 0 ? { after } : {}),
  }, installers.map((r) => r.address))];
}
