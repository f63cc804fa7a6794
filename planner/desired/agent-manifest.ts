/**
 * The agent's manifest for one target (a node, or this machine for a local stack): the apps placed
 * there with the supervision, health, logging and shutdown policy the ecosystem configures. It is a
 * template because it embeds the control key's public half, which exists only once `ed25519_key.agent`
 * has been applied.
 */
import { ref, template, type Template } from '../expr.js';
import type { AppSpec, StackModel } from '../config/model.js';
import type { AgentPaths } from '../../contract/agent/layout.js';
import type { AgentManifest } from '../../contract/agent/manifest.js';
import { agentAppName } from '../../contract/agent/app-name.js';
import { DISCOVERY_WIRE_DEFAULTS } from '../../contract/discovery-defaults.js';
import { MANIFEST_FORMAT_VERSION } from '../../contract/agent/manifest-version.js';
import { AGENT_KEY_ADDRESS } from './agent-key.js';
import { parseBytes } from '../config/sizes.js';
import { restartPolicyOf } from '../config/runtime-settings.js';
import type { SupervisionSpec } from '../config/model.js';

const PUBLIC_KEY_SLOT = '"__omnitron_agent_public_key__"';
/** What the agent parses, with the public key still a placeholder until the key exists. */
type ManifestWithKeySlot = Omit<AgentManifest, 'publicKey'> & { publicKey: string };
const DEFAULT_SHUTDOWN = { priority: 0, timeout: 10_000 };
const HEALTH_FAILURES_BEFORE_RESTART = 3;

export interface ManifestAppInput {
  app: AppSpec;
  /** Entry file as the target sees it (bootstrap or script, whichever the app uses). */
  entry: string;
  cwd: string;
  envFile: string;
  /** The target's OS user the app runs as; absent: the agent's own user. */
  user?: string;
  /** Changes when the app's code does (its release, or its files for an app run in place): the agent then restarts it. */
  revision?: string;
}

export interface ManifestDiscoveryInput {
  redisUrlEnv: string;
  nodeId: string;
  address: string;
}

export interface ManifestTarget {
  model: StackModel;
  node: string;
  paths: AgentPaths;
  apps: ManifestAppInput[];
  discovery?: ManifestDiscoveryInput;
}

export function agentManifest(target: ManifestTarget): Template {
  const { model, paths } = target;
  const onTarget = new Set(target.apps.map((a) => a.app.name));
  const manifest = {
    formatVersion: MANIFEST_FORMAT_VERSION,
    project: model.project,
    stack: model.stack.name,
    node: agentAppName(target.node),
    stateDir: paths.stateDir,
    logDir: paths.logDir,
    controlSocket: paths.controlSocket,
    publicKey: PUBLIC_KEY_SLOT,
    metricsInterval: model.monitoring.metrics.interval,
    apps: target.apps.map((a) => manifestApp(model, a, onTarget)),
    ...(target.discovery ? { discovery: discoveryBlock(model, target.discovery, target.apps) } : {}),
  } satisfies ManifestWithKeySlot;
  const [before, after] = JSON.stringify(manifest, null, 2).split(JSON.stringify(PUBLIC_KEY_SLOT));
  return template(before, ref(AGENT_KEY_ADDRESS, 'publicJwk'), `${after}\n`);
}

function manifestApp(model: StackModel, input: ManifestAppInput, onTarget: ReadonlySet<string>) {
  const { app } = input;
  const health = httpHealth(model, app);
  return {
    name: agentAppName(app.name),
    [app.bootstrap ? 'bootstrap' : 'script']: input.entry,
    cwd: input.cwd,
    envFile: input.envFile,
    ...(input.user ? { user: input.user } : {}),
    ...(input.revision ? { revision: input.revision } : {}),
    // Apps on other targets are ordered by apply (this agent starts after theirs), not by this agent.
    dependsOn: app.dependsOn.filter((d) => onTarget.has(d)).map(agentAppName),
    critical: app.critical,
    ...(app.instances > 1 ? { instances: app.instances } : {}),
    startupTimeout: app.startupTimeout,
    ...(health ? { health } : {}),
    shutdown: DEFAULT_SHUTDOWN,
    restart: restartOf(restartPolicyOf(model.supervision, app.restartPolicy)),
    logs: { maxSize: parseBytes(model.logging.maxSize) ?? 50 * 1024 ** 2, maxFiles: model.logging.maxFiles, compress: model.logging.compress },
  };
}

function restartOf(s: SupervisionSpec) {
  return { strategy: s.strategy, maxRestarts: s.maxRestarts, window: s.window, backoff: s.backoff };
}

/**
 * An app that serves HTTP on `PORT` is checked at /health on loopback, as the example apps and most
 * Titan apps answer it; an app without a port is ready by IPC or by staying up.
 */
function httpHealth(model: StackModel, app: AppSpec) {
  const port = Number(model.stack.settings.env.PORT ?? app.env.PORT);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) return undefined;
  const { interval, timeout } = model.monitoring.healthCheck;
  return { type: 'http' as const, target: `http://127.0.0.1:${port}/health`, interval, timeout, failureThreshold: HEALTH_FAILURES_BEFORE_RESTART };
}

function discoveryBlock(model: StackModel, d: ManifestDiscoveryInput, apps: ManifestAppInput[]) {
  return {
    ...d,
    redisPrefix: model.discovery.redisPrefix,
    heartbeatInterval: model.discovery.heartbeatInterval,
    heartbeatTTL: model.discovery.heartbeatTTL,
    // Peers (and `omnitron discovery ls` users) learn of nodes coming and going as it happens.
    pubSubEnabled: true,
    pubSubChannel: DISCOVERY_WIRE_DEFAULTS.pubSubChannel,
    apps: apps.filter((a) => a.app.requirements.discovery).map((a) => agentAppName(a.app.name)),
  };
}
