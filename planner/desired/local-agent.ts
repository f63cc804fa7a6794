/**
 * A local stack's apps, run by the same agent as on a node: one background process on this machine
 * (`local_agent`), started from this checkout's bundle with the Node that runs the CLI. Apps run in
 * place from the project (no release copy), each with its env file, as the developer's own user.
 * Changes to an app's environment reach the agent as a reload; its own code, runtime or environment
 * (discovery's Redis URL) as a restart.
 */
import path from 'node:path';
import { digest, type Expr } from '../expr.js';
import type { NodeSpec, StackModel } from '../config/model.js';
import { agentBundleArtifact } from '../artifacts/prepare.js';
import { appRevision } from '../artifacts/app-revision.js';
import type { DesiredResource } from '../resource.js';
import { LOCAL_AGENT_ADDRESS } from './addresses.js';
import { agentStatusFile, localAgentPaths } from '../../contract/agent/layout.js';
import { agentManifest } from './agent-manifest.js';
import { appEnvironment, envFileResource, type WiringInput } from './app-wiring.js';
import { discoveryTarget } from './discovery-target.js';
import { DISCOVERY_URL_ENV } from './node-apps.js';
import { sensitivePaths } from './sensitive.js';
import { AGENT_KEY_ADDRESS, AGENT_KEY_PURPOSE } from './agent-key.js';

export { LOCAL_AGENT_ADDRESS };
/** The name the local agent goes by: its manifest's node, and the target of its runtime issues. */
export const LOCAL_AGENT_NODE = 'local';
const LOCAL_HOST = '127.0.0.1';
/** As on a node: seconds beyond the slowest app's startup timeout before apply gives up waiting. */
const STARTUP_SLACK_S = 30;

/** What the local agent runs from: the bundle of this omnitron build and the CLI's own Node binary. */
export interface LocalAgentArtifacts {
  bundle: { path: string; sha256: string };
  node: string;
  /** Per app: a digest of its files, which run in place. */
  revisions: ReadonlyMap<string, string>;
}

/** Read before planning so the graph stays pure; only a stack with apps needs (and checks for) the bundle. */
export async function prepareLocalAgent(model: StackModel): Promise<LocalAgentArtifacts | undefined> {
  if (model.apps.length === 0) return undefined;
  const [bundle, revisions] = await Promise.all([
    agentBundleArtifact(),
    Promise.all(model.apps.map(async (app) => [app.name, await appRevision(app.root)] as const)),
  ]);
  return { bundle, node: process.execPath, revisions: new Map(revisions) };
}

/** The agent's own files beside its manifest, in `.omnitron/<stack>/agent`. */
export function localAgentFiles(stackDir: string) {
  const dir = path.join(stackDir, 'agent');
  return { pidFile: path.join(dir, 'agent.pid'), logFile: path.join(dir, 'agent.log') };
}

const localNode: NodeSpec = { name: LOCAL_AGENT_NODE, host: LOCAL_HOST, role: 'app', ssh: { user: '', port: 22 } };

export function localAgentResources(wiring: WiringInput, artifacts: LocalAgentArtifacts): DesiredResource[] {
  const { model, stackDir } = wiring;
  if (model.apps.length === 0) return [];
  const paths = localAgentPaths(stackDir, artifacts.bundle.path);
  const envFiles = model.apps.map((app) => envFileResource(wiring, app));
  const discovery = discoveryTarget(wiring, localNode, LOCAL_HOST);
  const manifest = agentManifest({
    model, node: LOCAL_AGENT_NODE, paths,
    apps: model.apps.map((app, i) => ({
      app, entry: app.bootstrap ?? app.script!, cwd: app.cwd, envFile: (envFiles[i].attributes as { path: string }).path, revision: artifacts.revisions.get(app.name),
    })),
    ...(discovery ? { discovery: { redisUrlEnv: discovery.redisUrlEnv, nodeId: discovery.nodeId, address: discovery.address } } : {}),
  });
  const environment: Record<string, Expr> = discovery ? { [DISCOVERY_URL_ENV]: discovery.url } : {};
  const attributes = {
    manifestPath: paths.manifest,
    manifest,
    bundle: artifacts.bundle.path,
    bundleSha256: artifacts.bundle.sha256,
    node: artifacts.node,
    ...localAgentFiles(stackDir),
    statusFile: agentStatusFile(paths),
    envFile: paths.envFile,
    // Only the agent's own environment: the URL stays out of the manifest and the command line.
    environment,
    // The agent reads env files when it loads the manifest: a changed environment needs a reload.
    reloadInputs: digest(model.apps.map((app) => appEnvironment(wiring, app).variables)),
  };
  const key: DesiredResource = { address: AGENT_KEY_ADDRESS, type: 'ed25519_key', attributes: { purpose: AGENT_KEY_PURPOSE }, dependsOn: [], sensitive: [] };
  const agent: DesiredResource = {
    address: LOCAL_AGENT_ADDRESS, type: 'local_agent', attributes,
    dependsOn: [...envFiles.map((e) => e.address), ...(discovery?.dependsOn ?? [])],
    sensitive: sensitivePaths(attributes),
    startupTimeout: Math.ceil(Math.max(...model.apps.map((a) => a.startupTimeout)) / 1000) + STARTUP_SLACK_S,
  };
  return [key, agent];
}
