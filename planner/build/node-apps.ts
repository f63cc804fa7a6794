/**
 * Apps on a node: a system user, the Node 24 runtime and the launcher, each app's release (switched
 * atomically), its env file (0600, owned by the app user) and a hardened systemd unit. Units change
 * only through one daemon-reload per node, and a service restarts only when its unit, release or
 * environment changed.
 */
import { digest, type Expr } from '../expr.js';
import { sha256 } from '../hash.js';
import type { AppSpec, NodeSpec } from '../config/model.js';
import type { DesiredResource } from '../resource.js';
import { appUnitName, nodeAddress } from './addresses.js';
import { sensitivePaths } from './sensitive.js';
import { renderServiceUnit } from '../../providers/systemd/render-unit.js';
import type { AppEnvironment } from './app-wiring.js';

export const APP_USER = 'omnitron';
export const OMNITRON_ROOT = '/opt/omnitron';

export interface NodeArtifacts {
  node: { version: string; sha256: string; gzPath: string };
  launcher: string;
  releases: Map<string, { sha256: string; path: string }>;
}

export interface AppOnNode {
  app: AppSpec;
  env: AppEnvironment;
  /** Services of the apps it dependsOn, on whatever node they run: it starts after them. */
  after: string[];
}

function res(address: string, type: string, attributes: Expr, dependsOn: string[] = [], extra: Partial<DesiredResource> = {}): DesiredResource {
  return { address, type, attributes, dependsOn, sensitive: sensitivePaths(attributes), ...extra };
}

export function appServiceAddress(node: string, app: string): string {
  return nodeAddress('systemd_service', node, appUnitName(app).replace(/\.service$/, ''));
}

export function appsOnNode(node: NodeSpec, apps: AppOnNode[], artifacts: NodeArtifacts, project: string): DesiredResource[] {
  if (apps.length === 0) return [];
  const n = node.name;
  const nodeBin = `${OMNITRON_ROOT}/node/${artifacts.node.version}/bin/node`;
  const base = [
    res(nodeAddress('node_user', n, APP_USER), 'node_user', { node: n, name: APP_USER, home: `/var/lib/${APP_USER}`, shell: '/usr/sbin/nologin', system: true }),
    res(nodeAddress('node_directory', n, 'env'), 'node_directory', { node: n, path: '/etc/omnitron/env', owner: 'root', group: APP_USER, mode: '0750' }, [nodeAddress('node_user', n, APP_USER)]),
    res(nodeAddress('node_artifact', n, 'node'), 'node_artifact', { node: n, path: nodeBin, sha256: artifacts.node.sha256, source: artifacts.node.gzPath, mode: '0755', compressed: true }),
    res(nodeAddress('node_file', n, 'launcher'), 'node_file', { node: n, path: `${OMNITRON_ROOT}/runtime/launch.mjs`, owner: 'root', group: 'root', mode: '0644', content: artifacts.launcher }),
  ];
  const perApp = apps.flatMap((a) => appResources(n, a, artifacts, nodeBin, project));
  const units = perApp.filter((r) => r.type === 'systemd_unit');
  const reload = res(nodeAddress('systemd_daemon_reload', n, 'units'), 'systemd_daemon_reload', {
    node: n, units: Object.fromEntries(units.map((u) => [(u.attributes as { name: string }).name, sha256((u.attributes as { content: string }).content)])),
  }, units.map((u) => u.address));
  for (const r of perApp) if (r.type === 'systemd_service') r.dependsOn.push(reload.address, ...base.map((b) => b.address));
  return [...base, ...perApp, reload];
}

function appResources(n: string, { app, env, after }: AppOnNode, artifacts: NodeArtifacts, nodeBin: string, project: string): DesiredResource[] {
  const release = artifacts.releases.get(app.name)!;
  const root = `${OMNITRON_ROOT}/apps/${app.name}`;
  const unitName = appUnitName(app.name);
  const entry = app.bootstrap ?? app.script!;
  const entryInRelease = `${root}/current/${entry.slice(app.root.length + 1)}`;
  const envPath = `/etc/omnitron/env/${app.name}.env`;
  const execStart = app.bootstrap
    ? [nodeBin, `${OMNITRON_ROOT}/runtime/launch.mjs`, '--env', envPath, '--bootstrap', entryInRelease]
    : [nodeBin, `${OMNITRON_ROOT}/runtime/launch.mjs`, '--env', envPath, '--script', entryInRelease, '--app', app.name];
  const unit = renderServiceUnit({
    description: `${project} app ${app.name} (managed by omnitron)`,
    execStart, user: APP_USER, group: APP_USER, workingDirectory: `${root}/current`,
    after: ['network-online.target'], wants: ['network-online.target'], stateDirectory: `omnitron/${app.name}`,
  });
  const releaseRes = res(nodeAddress('app_release', n, app.name), 'app_release', { node: n, app: app.name, root, release: release.sha256, source: release.path, owner: 'root' });
  const envRes = res(nodeAddress('node_env_file', n, app.name), 'node_env_file', { node: n, path: envPath, owner: APP_USER, group: APP_USER, mode: '0600', variables: env.variables },
    [nodeAddress('node_directory', n, 'env'), ...env.dependsOn], { sensitive: env.secret.map((k) => `variables.${k}`) });
  const unitRes = res(nodeAddress('systemd_unit', n, unitName.replace(/\.service$/, '')), 'systemd_unit', { node: n, name: unitName, content: unit });
  const service = res(appServiceAddress(n, app.name), 'systemd_service', {
    node: n, name: unitName, enabled: app.enabled, active: app.enabled, inputs: digest([unit, release.sha256, env.variables]),
  }, [releaseRes.address, envRes.address, unitRes.address, ...after],
  { startupTimeout: Math.ceil(app.startupTimeout / 1000) });
  return [releaseRes, envRes, unitRes, service];
}
