/**
 * Apps on a node, run by the omnitron agent: a system user for the apps, the Node 24 runtime and the
 * agent bundle (content-addressed uploads), each app's release (switched atomically) and env file, the
 * agent's manifest, and one hardened unit, omnitron-agent.service. The agent restarts only when its
 * own code, runtime or unit changed; anything about the apps reaches it as a reload, after which it
 * restarts exactly the apps whose release, environment or policy changed.
 */
import { digest, type Expr } from '../expr.js';
import { sha256 } from '../hash.js';
import type { AppSpec, NodeSpec, StackModel } from '../config/model.js';
import type { DesiredResource } from '../resource.js';
import { nodeAddress } from './addresses.js';
import { agentStatusFile, AGENT_NODE_FLAGS, AGENT_UNIT, NODE_AGENT, nodeBinary, OMNITRON_ROOT } from '../../contract/agent/layout.js';
import { agentManifest, type ManifestDiscoveryInput } from './agent-manifest.js';
import { sensitivePaths } from './sensitive.js';
import { renderServiceUnit, systemdQuote } from './render-unit.js';
import type { AppEnvironment } from './app-wiring.js';

export const APP_USER = 'omnitron';
export const DISCOVERY_URL_ENV = 'OMNITRON_DISCOVERY_REDIS_URL';
/** Time the agent gets to stop its apps in order, per app on the node (a 10 s shutdown timeout, then SIGKILL), before systemd kills it. */
const STOP_SECONDS_PER_APP = 15;

export interface NodeArtifacts {
  /** Per node: the Node binary for its machine type (`machine`, as `uname -m` names it). */
  runtimes: ReadonlyMap<string, { version: string; sha256: string; gzPath: string; machine: string }>;
  agent: { sha256: string; path: string };
  /** Per app: the release digest, where apply writes its tarball, and the machine type its dependencies are installed for. */
  releases: Map<string, { sha256: string; path: string; machine: string }>;
}

export interface AppOnNode {
  app: AppSpec;
  env: AppEnvironment;
}

export interface AgentOnNode {
  model: StackModel;
  node: NodeSpec;
  apps: AppOnNode[];
  artifacts: NodeArtifacts;
  /** Agent services on other nodes that run apps these apps depend on: this agent starts after them. */
  after: string[];
  discovery?: ManifestDiscoveryInput & { url: Expr; dependsOn: string[] };
}

function res(address: string, type: string, attributes: Expr, dependsOn: string[] = [], extra: Partial<DesiredResource> = {}): DesiredResource {
  return { address, type, attributes, dependsOn, sensitive: sensitivePaths(attributes), ...extra };
}

export function agentServiceAddress(node: string): string {
  return nodeAddress('systemd_service', node, 'omnitron-agent');
}

export function appsOnNode(target: AgentOnNode): DesiredResource[] {
  if (target.apps.length === 0) return [];
  const { node, artifacts } = target;
  const n = node.name;
  const runtime = artifacts.runtimes.get(n);
  if (!runtime) throw new Error(`internal: no Node runtime prepared for node ${n}`);
  const nodeBin = nodeBinary(runtime.version);
  const base = [
    res(nodeAddress('node_user', n, APP_USER), 'node_user', { node: n, name: APP_USER, home: `/var/lib/${APP_USER}`, shell: '/usr/sbin/nologin', system: true }),
    res(nodeAddress('node_directory', n, 'env'), 'node_directory', { node: n, path: '/etc/omnitron/env', owner: 'root', group: 'root', mode: '0700' }),
    res(nodeAddress('node_directory', n, 'agent'), 'node_directory', { node: n, path: '/etc/omnitron/agent', owner: 'root', group: 'root', mode: '0700' }),
    res(nodeAddress('node_artifact', n, 'node'), 'node_artifact', { node: n, path: nodeBin, sha256: runtime.sha256, source: runtime.gzPath, mode: '0755', compressed: true, machine: runtime.machine }),
    res(nodeAddress('node_artifact', n, 'agent'), 'node_artifact', { node: n, path: NODE_AGENT.bundle, sha256: artifacts.agent.sha256, source: artifacts.agent.path, mode: '0644', compressed: false }),
  ];
  const perApp = target.apps.flatMap((a) => appResources(n, a, artifacts));
  const manifestContent = agentManifest({
    model: target.model, node: n, paths: NODE_AGENT, discovery: target.discovery && { redisUrlEnv: target.discovery.redisUrlEnv, nodeId: target.discovery.nodeId, address: target.discovery.address },
    apps: target.apps.map(({ app }) => ({
      app, entry: entryInRelease(app), cwd: `${appRoot(app)}/current`, envFile: appEnvPath(app), user: APP_USER, revision: artifacts.releases.get(app.name)!.sha256.slice(0, 16),
    })),
  });
  const manifest = res(nodeAddress('node_file', n, 'agent-manifest'), 'node_file',
    { node: n, path: NODE_AGENT.manifest, owner: 'root', group: 'root', mode: '0600', content: manifestContent }, [nodeAddress('node_directory', n, 'agent')]);
  const agentEnv = target.discovery ? [res(nodeAddress('node_env_file', n, 'agent'), 'node_env_file',
    { node: n, path: NODE_AGENT.envFile, owner: 'root', group: 'root', mode: '0600', variables: { [DISCOVERY_URL_ENV]: target.discovery.url } },
    [nodeAddress('node_directory', n, 'agent'), ...target.discovery.dependsOn], { sensitive: [`variables.${DISCOVERY_URL_ENV}`] })] : [];
  const unit = renderServiceUnit({
    description: `${target.model.project} apps on ${n}: the omnitron agent`,
    execStart: [nodeBin, ...AGENT_NODE_FLAGS, NODE_AGENT.bundle, 'run', '--manifest', NODE_AGENT.manifest],
    user: 'root', group: 'root', stateDirectory: 'omnitron/agent',
    ...(target.discovery ? { environmentFile: NODE_AGENT.envFile } : {}),
    extra: {
      ExecReload: '/bin/kill -HUP $MAINPID',
      ExecStopPost: systemdQuote([nodeBin, ...AGENT_NODE_FLAGS, NODE_AGENT.bundle, 'reap', '--manifest', NODE_AGENT.manifest]),
      // The agent stops its apps itself, in order; an upgrade (SIGUSR2) leaves them running for the next one to adopt.
      KillMode: 'process',
      // Apps outlive one agent's run; a per-run private /tmp would be deleted under them. Under
      // ProtectSystem=strict they may still write the temp dirs and the app user's home.
      PrivateTmp: 'no',
      ReadWritePaths: `/tmp /var/tmp -/var/lib/${APP_USER}`,
      LogsDirectory: 'omnitron',
      RuntimeDirectory: 'omnitron',
      TimeoutStopSec: String(STOP_SECONDS_PER_APP * target.apps.length + 10),
    },
  });
  const unitRes = res(nodeAddress('systemd_unit', n, 'omnitron-agent'), 'systemd_unit', { node: n, name: AGENT_UNIT, content: unit });
  const reload = res(nodeAddress('systemd_daemon_reload', n, 'units'), 'systemd_daemon_reload', { node: n, units: { [AGENT_UNIT]: sha256(unit) } }, [unitRes.address]);
  const service = res(agentServiceAddress(n), 'systemd_service', {
    node: n, name: AGENT_UNIT, enabled: true, active: true,
    // The agent reads its own environment (discovery's URL) only when it starts: a new one is a hand-over.
    inputs: digest([unit, runtime.sha256, artifacts.agent.sha256, target.discovery?.url ?? null]),
    reloadInputs: digest([manifestContent, target.apps.map(({ app, env }) => [artifacts.releases.get(app.name)!.sha256, env.variables])]),
    agentStatus: agentStatusFile(NODE_AGENT),
  }, [...base, ...perApp, manifest, ...agentEnv, reload].map((r) => r.address).concat(target.after),
  { startupTimeout: Math.ceil(Math.max(...target.apps.map((a) => a.app.startupTimeout)) / 1000) + 30 });
  return [...base, ...perApp, manifest, ...agentEnv, unitRes, reload, service];
}

function appRoot(app: AppSpec): string {
  return `${OMNITRON_ROOT}/apps/${app.name}`;
}

function appEnvPath(app: AppSpec): string {
  return `/etc/omnitron/env/${app.name}.env`;
}

function entryInRelease(app: AppSpec): string {
  const entry = app.bootstrap ?? app.script!;
  return `${appRoot(app)}/current/${entry.slice(app.root.length + 1)}`;
}

function appResources(n: string, { app, env }: AppOnNode, artifacts: NodeArtifacts): DesiredResource[] {
  const release = artifacts.releases.get(app.name)!;
  const releaseRes = res(nodeAddress('app_release', n, app.name), 'app_release', { node: n, app: app.name, root: appRoot(app), release: release.sha256, source: release.path, machine: release.machine, owner: 'root' });
  const envRes = res(nodeAddress('node_env_file', n, app.name), 'node_env_file', { node: n, path: appEnvPath(app), owner: 'root', group: 'root', mode: '0600', variables: env.variables },
    [nodeAddress('node_directory', n, 'env'), ...env.dependsOn], { sensitive: env.secret.map((k) => `variables.${k}`) });
  return [releaseRes, envRes];
}
