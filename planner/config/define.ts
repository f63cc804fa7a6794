/**
 * What users write. `@omnitron-dev/omnitron` and `@omnitron-dev/omnitron/config` resolve to this
 * module (package.json exports, and the loader's resolve hook), so it must stay import-free: a config
 * file loads it before anything else. Types are permissive where real projects carry extra keys the
 * real Omnitron defines (`daemon`, `dev`, `logging.directory`); omnitron warns that it ignores them.
 */

/** Milliseconds, or a string like "500ms", "30s", "1m", "1h". */
export type Duration = number | string;
/** Bytes as a string like "256m", "50mb", "1G". */
export type Size = string;
export type EnvValue = string | number | boolean;

export type PresetName = 'postgres' | 'redis' | 'minio' | 'openresty' | 'tor';
export type ServiceKind = 'database' | 'cache' | 'daemon' | 'gateway' | 'storage' | 'sidecar' | 'tool';

export interface WatchConfig { directory: string; include?: string[]; ignore?: string[]; debounce?: number }

export interface RestartPolicyConfig {
  enabled?: boolean;
  maxRestarts?: number;
  window?: Duration;
  delay?: Duration;
  backoff?: BackoffConfig;
}

export interface AppEntry {
  name: string;
  /** Bootstrap mode: a file default-exporting defineSystem(...). Relative to the config file. */
  bootstrap?: string;
  /** Classic mode: a script forked as is. */
  script?: string;
  cwd?: string;
  dependsOn?: string[];
  critical?: boolean;
  startupTimeout?: Duration;
  enabled?: boolean;
  env?: Record<string, EnvValue>;
  instances?: number;
  watch?: string | false | WatchConfig;
  restartPolicy?: RestartPolicyConfig;
  /** Real Omnitron's dev-mode block; accepted and ignored. */
  dev?: Record<string, unknown>;
}

export interface BackoffConfig { type?: 'exponential' | 'linear' | 'fixed'; initial?: Duration; max?: Duration; factor?: number }

export interface SupervisionConfig {
  strategy?: 'one_for_one' | 'one_for_all' | 'rest_for_one';
  maxRestarts?: number;
  window?: Duration;
  backoff?: BackoffConfig;
}

export interface MonitoringConfig {
  healthCheck?: { interval?: Duration; timeout?: Duration };
  metrics?: { interval?: Duration; retention?: number };
}

/**
 * How the agents register nodes in discovery, for stacks whose apps set `services.discovery`. Apps that
 * read the registry themselves (titan-discovery's DiscoveryModule) must use the same `redisPrefix`.
 */
export interface DiscoveryConfig {
  /** Key prefix (default `titan:discovery`); on Redis Cluster wrap it in braces, e.g. `{titan:discovery}`. */
  redisPrefix?: string;
  /** Between heartbeats (default 5s). */
  heartbeatInterval?: Duration;
  /** How long a heartbeat keeps the node alive (default 15s); at least 2 × the interval, 3 × recommended. */
  heartbeatTTL?: Duration;
}

export interface LoggingConfig {
  level?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | (string & {});
  maxSize?: Size;
  maxFiles?: number;
  compress?: boolean;
  /** Real Omnitron's log directory; accepted and ignored. */
  directory?: string;
}

export interface HealthCheckConfig {
  type: 'http' | 'tcp' | 'command' | 'jsonrpc';
  target: string;
  interval?: Duration;
  timeout?: Duration;
  retries?: number;
  startPeriod?: Duration;
  jsonrpc?: { port: string; method: string; path?: string; auth?: { user: string; password: string; type?: 'digest' | 'basic' } };
}

export interface VolumeConfig { source: string; target: string; readonly?: boolean }

export interface DockerHealthCheckConfig {
  /** Docker terms: `['CMD', ...]`, `['CMD-SHELL', cmd]`, or a shell command string. */
  test: string | string[];
  interval?: Duration;
  timeout?: Duration;
  retries?: number;
  startPeriod?: Duration;
}

export interface DockerOverlayConfig {
  image?: string;
  environment?: Record<string, EnvValue>;
  /** Key → container path (a named volume) or a mount; a source starting with `/` or `.` is a bind mount. */
  volumes?: Record<string, string | VolumeConfig>;
  command?: string | string[];
  entrypoint?: string | string[];
  /** Port name → host port. */
  portMappings?: Record<string, number>;
  bindHost?: string;
  resources?: { memory?: Size; memoryReservation?: Size; cpus?: number };
  restart?: 'no' | 'always' | 'unless-stopped' | 'on-failure' | (string & {});
  shmSize?: Size;
  labels?: Record<string, string>;
  extraHosts?: string[];
  healthCheck?: DockerHealthCheckConfig;
  /** Declared by real Omnitron but not supported; omnitron warns and ignores them. */
  user?: string;
  network?: string | Record<string, unknown>;
  build?: Record<string, unknown>;
}

export interface DockerServiceConfig extends DockerOverlayConfig {
  image: string;
  /** Overlays selected by the service's `networkMode`. */
  variants?: Record<string, DockerOverlayConfig>;
}

/** A Debian package a bare-metal service needs, with an optional semver range its version must satisfy. */
export interface BareMetalPackageConfig { name: string; version?: string }

export interface BareMetalServiceConfig {
  /** Debian packages apt installs before anything else of the service (`"redis-server"` or `{ name, version }`). */
  packages?: Array<string | BareMetalPackageConfig>;
  installCommand?: string;
  systemdUnit?: string;
  configFile?: string;
  configTemplate?: string;
  dataDir?: string;
  user?: string;
  bindAddress?: string;
  validateCommand?: string;
  variants?: Record<string, Omit<BareMetalServiceConfig, 'variants'>>;
}

/** A literal, or `{ secret: key }`: a value omnitron generates once and shares by key. */
export type SecretConfig = string | { secret: string };

export interface ServiceRequirementConfig {
  description?: string;
  type?: ServiceKind | (string & {});
  version?: string;
  networkMode?: string;
  /** Port name → container port. */
  ports?: Record<string, number>;
  /** Env injected into apps using the service: `${host}`, `${port:NAME}`, `${secret:NAME}`. */
  env?: Record<string, string>;
  secrets?: Record<string, SecretConfig>;
  healthCheck?: HealthCheckConfig;
  startupTimeout?: Duration;
  dependsOn?: string[];
  critical?: boolean;
  docker?: DockerServiceConfig;
  bareMetal?: BareMetalServiceConfig;
}

export interface PresetServiceConfig {
  preset: PresetName;
  description?: string;
  image?: string;
  ports?: Record<string, number>;
  secrets?: Record<string, SecretConfig>;
  config?: Record<string, unknown>;
  docker?: DockerOverlayConfig;
  bareMetal?: BareMetalServiceConfig;
  resources?: { memory?: Size; memoryReservation?: Size; cpus?: number };
  dependsOn?: string[];
  critical?: boolean;
  startupTimeout?: Duration;
}

type LegacyResources = { memory?: string; memoryReservation?: string; cpus?: number };

export interface InfrastructureConfig {
  services?: Record<string, ServiceRequirementConfig | PresetServiceConfig>;
  /**
   * The Omnitron daemon's older blocks, expanded into the `postgres`, `redis`, `minio` and `gateway`
   * services (presets postgres, redis, minio, openresty); a `services` entry of the same name wins.
   */
  postgres?: { image?: string; port?: number; user?: string; password?: string; config?: Record<string, unknown>; resources?: LegacyResources; databases?: Record<string, { user?: string; password?: string; migrate?: boolean; migrationDir?: string }> };
  redis?: { image?: string; port?: number; password?: string; config?: Record<string, unknown>; resources?: LegacyResources; databases?: Record<string, number> };
  minio?: { image?: string; ports?: { api?: number; console?: number }; accessKey?: string; secretKey?: string; buckets?: string[]; resources?: LegacyResources };
  gateway?: { image?: string; port?: number; configDir?: string; resources?: LegacyResources };
  /** Never provisioned by the daemon either; accepted with a warning. */
  containers?: Record<string, unknown>;
  tor?: Record<string, unknown>;
}

export interface StackNodeConfig {
  host: string;
  name?: string;
  label?: string;
  labels?: Record<string, string>;
  address?: string;
  /** Real Omnitron's daemon port. */
  port?: number;
  role?: 'app' | 'database' | 'cache' | 'gateway' | 'worker' | 'master';
  apps?: string[];
  ssh?: { user?: string; port?: number; privateKey?: string };
  hostKey?: string;
}

export interface ServiceOverrideConfig {
  external?: { host: string; ports: Record<string, number>; secrets?: Record<string, string> };
  docker?: DockerOverlayConfig;
  bareMetal?: BareMetalServiceConfig;
  disabled?: boolean;
  placement?: string;
}

export interface StackSettingsConfig {
  env?: Record<string, EnvValue>;
  redisDbOffset?: number;
  containerPrefix?: string;
  logLevel?: string;
  portOffsets?: { postgres?: number; redis?: number; minio?: number };
  allowDegradedInfra?: boolean;
}

/**
 * Where a stack's state lives: the local file `.omnitron/<stack>/state.json` (the default), or a
 * Postgres database shared by the team. `OMNITRON_STATE_URL` wins over both (CI sets it).
 */
export type StateBackendConfig =
  | { backend: 'file' }
  | {
    backend: 'postgres';
    /** `postgres://USER:PASSWORD@HOST:PORT/DATABASE`; e.g. `process.env.OMNITRON_STATE_URL`. Never printed with its password. */
    url: string;
    /** Schema for omnitron's tables (created on first use); default `omnitron`. */
    schema?: string;
  };

export interface StackConfig {
  type: 'local' | 'remote' | 'cluster';
  /** Where this stack's state lives; overrides the ecosystem's `state`. */
  state?: StateBackendConfig;
  nodes?: StackNodeConfig[];
  infrastructure?: InfrastructureConfig;
  settings?: StackSettingsConfig;
  apps?: 'all' | string[];
  /** Keyed `svc` or `app/svc` (the latter wins). */
  serviceOverrides?: Record<string, ServiceOverrideConfig>;
  watch?: boolean;
  portRange?: { start: number; end: number };
  /**
   * How a new release reaches an app that runs on several nodes: `limit` nodes at a time (default 1),
   * each gated on the app's health, with `wait` (a duration, default none) between one batch and the next.
   */
  deploy?: DeployConfig;
}

export interface DeployConfig {
  limit?: number;
  wait?: number | string;
}

export interface EcosystemConfig {
  project?: string;
  apps: AppEntry[];
  infrastructure?: InfrastructureConfig;
  supervision?: SupervisionConfig;
  monitoring?: MonitoringConfig;
  logging?: LoggingConfig;
  discovery?: DiscoveryConfig;
  stacks?: Record<string, StackConfig>;
  /** Where every stack's state lives unless a stack says otherwise (default: the local file). */
  state?: StateBackendConfig;
  /** Real Omnitron keys omnitron accepts and ignores (with a warning). */
  gateway?: { port?: number; configDir?: string; image?: string };
  daemon?: Record<string, unknown>;
  env?: Record<string, EnvValue>;
  dev?: Record<string, unknown>;
  allowDegradedInfra?: boolean;
}

export interface DatabaseConfig {
  dialect?: 'postgres' | 'postgresql' | 'mysql' | 'sqlite';
  pool?: { min?: number; max?: number };
  extensions?: string[];
  dedicated?: boolean;
}

/** The `omnitron` key of `<appRoot>/config/default.json`. */
export interface OmnitronAppConfig {
  database?: boolean | DatabaseConfig;
  redis?: boolean | { prefix?: string; dedicated?: boolean };
  s3?: boolean | { bucket?: string; quota?: string | number };
  services?: { discovery?: boolean; notifications?: boolean; [name: string]: boolean | undefined };
  infrastructure?: Record<string, ServiceRequirementConfig>;
}

/** The app handed to defineSystem hooks (a Titan application); typed loosely on purpose. */
export type SystemApp = any;
export type SystemHook = (app: SystemApp) => unknown;

export interface ProcessEntry {
  name: string;
  module: string;
  critical?: boolean;
  instances?: number;
  startupTimeout?: number;
  transports?: Record<string, Record<string, unknown>>;
  topology?: { expose?: boolean; access?: string[] };
  health?: { enabled?: boolean; interval?: number; timeout?: number; retries?: number };
  hooks?: Record<string, SystemHook>;
  [key: string]: unknown;
}

export interface SystemDefinition {
  name: string;
  version?: string;
  processes: ProcessEntry[];
  auth?: Record<string, unknown>;
  config?: { sources?: Array<string | { type: 'file' | 'env'; path?: string; prefix?: string; optional?: boolean }>; envPrefix?: string };
  shutdown?: { timeout?: number; priority?: number; drainConnections?: boolean };
  hooks?: Record<string, SystemHook>;
  omnitronConfig?: OmnitronAppConfig;
  env?: Record<string, EnvValue>;
  cwd?: string;
  dev?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Identity: exists for autocompletion and excess-property checks on the literal. */
export function defineEcosystem(config: EcosystemConfig): EcosystemConfig {
  return config;
}

export function defineSystem(definition: SystemDefinition): SystemDefinition {
  return definition;
}

/** Real Omnitron's type names, so `import type { IEcosystemConfig } from '@omnitron-dev/omnitron'` keeps working. */
export type IEcosystemConfig = EcosystemConfig;
export type IEcosystemAppEntry = AppEntry;
export type IStackConfig = StackConfig;
export type IStackNode = StackNodeConfig;
export type IServiceRequirement = ServiceRequirementConfig;
export type IPresetServiceConfig = PresetServiceConfig;
export type IDockerServiceConfig = DockerServiceConfig;
export type IServiceOverride = ServiceOverrideConfig;
export type IAppDefinition = SystemDefinition;
export type IProcessEntry = ProcessEntry;
