/**
 * The validated, defaulted ecosystem as the planner consumes it. `load-ecosystem.ts` produces an
 * Ecosystem from a user's omnitron.config.ts and the apps' config/default.json files;
 * `resolve-stack.ts` narrows it to one stack (apps selected, services expanded from presets and app
 * requirements, variants and overrides applied). Nothing here touches Docker or a node.
 */
import type { BareMetalServiceConfig } from './define.js';
import type { StateConfig } from '../state/state-url.js';
import type { GatewaySite } from './gateway-site.js';

export type StackType = 'local' | 'remote' | 'cluster';

export interface SupervisionSpec {
  strategy: 'one_for_one' | 'one_for_all' | 'rest_for_one';
  maxRestarts: number;
  window: number;
  backoff: { type: 'exponential' | 'linear' | 'fixed'; initial: number; max: number; factor: number };
}

export interface MonitoringSpec {
  healthCheck: { interval: number; timeout: number };
  metrics: { interval: number; retention: number };
}

/** Where and how often the agents register nodes in discovery (durations in ms); every reader must use the same prefix. */
export interface DiscoverySpec {
  redisPrefix: string;
  heartbeatInterval: number;
  heartbeatTTL: number;
}

export interface LoggingSpec {
  level: string;
  maxSize: string;
  maxFiles: number;
  compress: boolean;
}

export interface HealthCheckSpec {
  type: 'http' | 'tcp' | 'command' | 'jsonrpc';
  target: string;
  /** Durations in ms (config accepts "30s"/"1m"/numbers in ms). */
  interval: number;
  timeout: number;
  retries: number;
  startPeriod: number;
}

export interface VolumeSpec { source: string; target: string; readonly: boolean }

export interface DockerServiceSpec {
  image: string;
  environment: Record<string, string>;
  /** Key → mount. A source starting with `/` or `.` is a bind mount (resolved absolute); otherwise a named volume. */
  volumes: Record<string, VolumeSpec>;
  command?: string[];
  entrypoint?: string[];
  /** Port name → host port; absent names publish on the container port. */
  portMappings: Record<string, number>;
  /** Interface host ports bind to; 127.0.0.1 unless configured. */
  bindHost: string;
  resources: { memory?: string; memoryReservation?: string; cpus?: number };
  restart: string;
  shmSize?: string;
  labels: Record<string, string>;
  extraHosts: string[];
  /** Docker-level health check override (already in Docker terms). */
  healthCheck?: { test: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
}

/** The config's `bareMetal` block as validated: the same fields the user writes. */
export interface BareMetalServiceSpec extends Omit<BareMetalServiceConfig, 'variants'> {
  /** Raw variants, kept for the bare-metal provider. */
  variants?: Record<string, Partial<Omit<BareMetalServiceConfig, 'variants'>>>;
}

/** A secret a service needs: a literal, or a generated value named `secret` (shared by that name). */
export type SecretSpec = { kind: 'literal'; value: string } | { kind: 'generated'; key: string };

export interface ServiceRequirement {
  description?: string;
  type?: string;
  version?: string;
  networkMode?: string;
  ports: Record<string, number>;
  /** Env injected into the apps that use the service; templates `${host}`, `${port:NAME}`, `${secret:NAME}`. */
  env: Record<string, string>;
  secrets: Record<string, SecretSpec>;
  healthCheck?: HealthCheckSpec;
  /** ms */
  startupTimeout: number;
  dependsOn: string[];
  critical: boolean;
  /** Raw docker block before variant/override merging (kept for the variant overlay). */
  docker?: DockerServiceSpec & { variants?: Record<string, unknown> };
  bareMetal?: BareMetalServiceSpec;
  /** Set when the service came from `preset:`; presets get their secrets and env wiring from the planner. */
  preset?: 'postgres' | 'redis' | 'minio' | 'openresty' | 'tor';
  presetConfig?: Record<string, unknown>;
  /** The gateway preset's `config.configDir`, read when the config loads. */
  gatewaySite?: GatewaySite;
}

export interface DatabaseRequirement { dialect: 'postgres' | 'postgresql'; pool?: { min: number; max: number } }

export interface AppRequirements {
  database?: DatabaseRequirement;
  redis?: { prefix?: string };
  s3?: { bucket?: string };
  discovery: boolean;
  notifications: boolean;
  /** Custom services this app declares, by service name. */
  infrastructure: Record<string, ServiceRequirement>;
  /** Where these came from (for diagnostics); absent when the app has no config/default.json. */
  configFile?: string;
}

export interface AppSpec {
  name: string;
  /** Index in the config's `apps` array (for diagnostics and Redis DB order). */
  index: number;
  /** Absolute paths. Exactly one of bootstrap/script is set. */
  bootstrap?: string;
  script?: string;
  /** `dirname(bootstrap)/..` (or dirname(script)/.. ), absolute. */
  root: string;
  cwd: string;
  dependsOn: string[];
  critical: boolean;
  /** ms */
  startupTimeout: number;
  enabled: boolean;
  env: Record<string, string>;
  /** Copies of a single-process app, each with PORT offset by its index. */
  instances: number;
  /** What `omnitron dev` watches: restarting the app when a file under `directory` changes. */
  watch?: { directory: string; include?: string[]; ignore?: string[]; debounce: number };
  /** Settings `omnitron dev` applies on top of the app's own. */
  dev?: DevSettings;
  /** Per-field override of the ecosystem's `supervision` for this app (durations in ms). */
  restartPolicy?: RestartPolicySpec;
  requirements: AppRequirements;
}

export interface DevSettings {
  logLevel?: string;
  env: Record<string, string>;
  sourceMaps: boolean;
}

export interface RestartPolicySpec {
  enabled?: boolean;
  maxRestarts?: number;
  window?: number;
  /** A fixed delay between restarts, when no backoff is given. */
  delay?: number;
  backoff?: Partial<SupervisionSpec['backoff']>;
}

export interface NodeSpec {
  name: string;
  host: string;
  address?: string;
  port?: number;
  role: 'app' | 'database' | 'cache' | 'gateway' | 'worker' | 'master';
  apps?: string[];
  ssh: { user: string; port: number; privateKey?: string };
  hostKey?: string;
  label?: string;
  labels?: Record<string, string>;
}

export interface ServiceOverride {
  external?: { host: string; ports: Record<string, number>; secrets?: Record<string, string> };
  docker?: Record<string, unknown>;
  bareMetal?: Record<string, unknown>;
  disabled?: boolean;
  placement?: string;
}

export interface StackSettings {
  env: Record<string, string>;
  redisDbOffset?: number;
  containerPrefix?: string;
  logLevel?: string;
}

export interface StackSpec {
  name: string;
  type: StackType;
  nodes: NodeSpec[];
  /** Stack-level services, merged over the ecosystem's. */
  services: Record<string, ServiceRequirement>;
  settings: StackSettings;
  apps: 'all' | string[];
  /** Keyed `svc` or `app/svc`. */
  serviceOverrides: Record<string, ServiceOverride>;
  /** Where this stack's state lives, when the stack says (else the ecosystem's `state`, else the file). */
  state?: StateConfig;
  deploy: DeploySpec;
}

/** A rolling deploy: `limit` nodes of an app at a time, `wait` ms after each batch is healthy. */
export interface DeploySpec { limit: number; wait: number }

export interface Ecosystem {
  project: string;
  /** Absolute path of the config file, and its directory. */
  file: string;
  root: string;
  apps: AppSpec[];
  /** Top-level `infrastructure.services` (presets expanded to requirements). */
  services: Record<string, ServiceRequirement>;
  supervision: SupervisionSpec;
  monitoring: MonitoringSpec;
  logging: LoggingSpec;
  discovery: DiscoverySpec;
  stacks: Record<string, StackSpec>;
  /** Where every stack's state lives unless the stack says otherwise. */
  state?: StateConfig;
}

/** One service as a stack runs it: effective docker config, where its ports are, who declared it. */
export interface ResolvedService {
  name: string;
  /** Apps that declared it (custom services); empty for ecosystem/stack services and auto presets. */
  declaredBy: string[];
  requirement: ServiceRequirement;
  /** Effective docker config after base → variants[networkMode] → serviceOverrides; absent for external services. */
  docker?: DockerServiceSpec;
  /** Set when a stack override points the service at something not ours; no container is planned. */
  external?: { host: string; ports: Record<string, number>; secrets: Record<string, string> };
  /** Port name → port apps should connect to (host port for docker, external port for external). */
  endpointPorts: Record<string, number>;
}

export interface StackModel {
  project: string;
  root: string;
  file: string;
  stack: StackSpec;
  /** Enabled apps selected for this stack, in config order. */
  apps: AppSpec[];
  /** Every service the stack runs or points at, presets included, by name, in a stable order. */
  services: ResolvedService[];
  supervision: SupervisionSpec;
  monitoring: MonitoringSpec;
  logging: LoggingSpec;
  discovery: DiscoverySpec;
}
