/**
 * The shape of omnitron.config.ts and of an app's `omnitron` section, in zod. Built twice: strict
 * objects report unknown keys (downgraded to warnings unless `strict`), strip objects give the data.
 * Sections, apps, stacks and service entries are parsed one by one (a service entry is a preset or
 * a custom service, chosen by `preset`), so each error points at the right schema and one bad piece
 * hides nothing else. Cross-references are checked in plain code afterwards.
 */
import * as z from 'zod';
import { DURATION_HINT, SIZE_HINT, isDuration, isSize } from './durations.js';
import { describeValue } from '../../contract/field-path.js';

export const PORT_HINT = 'a port is an integer from 1 to 65535';
const ARGV_HINT = 'write it as an array of strings, e.g. ["redis-server", "--appendonly", "yes"]';
const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;

function custom<T>(check: (v: unknown) => boolean, what: string, detail: string) {
  return z.custom<T>(check, { error: (iss) => `invalid ${what} ${describeValue(iss.input)}`, params: { detail } });
}

const isPort = (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535;
const isArgv = (v: unknown) => (typeof v === 'string' && /^\S+$/.test(v)) || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

export const port = custom<number>(isPort, 'port', PORT_HINT);
export const duration = custom<number | string>(isDuration, 'duration', DURATION_HINT);
export const size = custom<string>(isSize, 'size', SIZE_HINT);
const argv = custom<string | string[]>(isArgv, 'command', ARGV_HINT);
const restart = custom<string>((v) => typeof v === 'string' && RESTART.test(v), 'restart policy', 'use "no", "always", "unless-stopped" or "on-failure[:N]"');
const nonEmpty = z.string().min(1);
const names = z.array(z.string());
const envRecord = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const count = (min: number) => z.number().int().min(min);

const ports = z.record(z.string(), port);
type ObjectOf = <S extends z.core.$ZodLooseShape>(shape: S) => z.ZodObject<S>;

function serviceSchemas(obj: ObjectOf) {
  const resources = obj({ memory: size.optional(), memoryReservation: size.optional(), cpus: z.number().positive().optional() });
  const dockerHealthCheck = obj({
    test: z.union([nonEmpty, z.array(z.string()).min(1)]),
    interval: duration.optional(), timeout: duration.optional(), retries: count(0).optional(), startPeriod: duration.optional(),
  });
  const dockerOverlayShape = {
    image: nonEmpty.optional(),
    environment: envRecord.optional(),
    volumes: z.record(z.string(), z.union([nonEmpty, obj({ source: nonEmpty, target: nonEmpty, readonly: z.boolean().optional() })])).optional(),
    command: argv.optional(),
    entrypoint: argv.optional(),
    portMappings: ports.optional(),
    bindHost: nonEmpty.optional(),
    resources: resources.optional(),
    restart: restart.optional(),
    shmSize: size.optional(),
    labels: z.record(z.string(), z.string()).optional(),
    extraHosts: names.optional(),
    healthCheck: dockerHealthCheck.optional(),
    user: z.string().optional(),
    network: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    build: z.record(z.string(), z.unknown()).optional(),
  };
  const dockerOverlay = obj(dockerOverlayShape);
  const docker = obj({ ...dockerOverlayShape, image: nonEmpty, variants: z.record(z.string(), dockerOverlay).optional() });
  const bareMetalShape = {
    packages: z.array(z.union([z.string(), obj({ name: z.string(), version: z.string().optional() })])).optional(),
    installCommand: z.string().optional(), systemdUnit: z.string().optional(), configFile: z.string().optional(),
    configTemplate: z.string().optional(), dataDir: z.string().optional(), user: z.string().optional(),
    bindAddress: z.string().optional(), validateCommand: z.string().optional(),
  };
  const bareMetal = obj({ ...bareMetalShape, variants: z.record(z.string(), obj(bareMetalShape)).optional() });
  const secrets = z.record(z.string(), z.union([z.string(), obj({ secret: nonEmpty })]));
  const healthCheck = obj({
    type: z.enum(['http', 'tcp', 'command', 'jsonrpc']),
    target: z.string(),
    interval: duration.optional(), timeout: duration.optional(), retries: count(0).optional(), startPeriod: duration.optional(),
    jsonrpc: z.record(z.string(), z.unknown()).optional(),
  });
  const common = {
    description: z.string().optional(),
    ports: ports.optional(),
    secrets: secrets.optional(),
    bareMetal: bareMetal.optional(),
    dependsOn: names.optional(),
    critical: z.boolean().optional(),
    startupTimeout: duration.optional(),
  };
  const customService = obj({
    ...common,
    type: z.string().optional(),
    version: z.string().optional(),
    networkMode: z.string().optional(),
    env: envRecord.optional(),
    healthCheck: healthCheck.optional(),
    docker: docker.optional(),
  });
  const presetService = obj({
    ...common,
    preset: z.string(),
    image: nonEmpty.optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    docker: dockerOverlay.optional(),
    resources: resources.optional(),
  });
  return { customService, presetService, dockerOverlay, bareMetal };
}

function appSchemas<C extends z.ZodType>(obj: ObjectOf, customService: C) {
  const backoff = obj({
    type: z.enum(['exponential', 'linear', 'fixed']).optional(),
    initial: duration.optional(), max: duration.optional(), factor: z.number().positive().optional(),
  });
  const restartPolicy = obj({ enabled: z.boolean().optional(), maxRestarts: count(0).optional(), window: duration.optional(), delay: duration.optional(), backoff: backoff.optional() });
  const watch = z.union([nonEmpty, z.literal(false), obj({ directory: nonEmpty, include: names.optional(), ignore: names.optional(), debounce: duration.optional() })]);
  const app = obj({
    name: nonEmpty,
    bootstrap: nonEmpty.optional(),
    script: nonEmpty.optional(),
    cwd: nonEmpty.optional(),
    dependsOn: names.optional(),
    critical: z.boolean().optional(),
    startupTimeout: duration.optional(),
    enabled: z.boolean().optional(),
    env: envRecord.optional(),
    instances: count(1).optional(),
    watch: watch.optional(),
    dev: obj({ logLevel: nonEmpty.optional(), env: envRecord.optional(), sourceMaps: z.boolean().optional() }).optional(),
    restartPolicy: restartPolicy.optional(),
  });
  const appConfig = obj({
    database: z.union([z.boolean(), obj({
      dialect: z.enum(['postgres', 'postgresql', 'mysql', 'sqlite']).optional(),
      pool: obj({ min: count(0).optional(), max: count(1).optional() }).optional(),
      extensions: names.optional(),
      dedicated: z.boolean().optional(),
    })]).optional(),
    redis: z.union([z.boolean(), obj({ prefix: z.string().optional(), dedicated: z.boolean().optional() })]).optional(),
    s3: z.union([z.boolean(), obj({ bucket: nonEmpty.optional(), quota: z.union([z.string(), z.number()]).optional() })]).optional(),
    services: obj({ discovery: z.boolean().optional(), notifications: z.boolean().optional() }).optional(),
    infrastructure: z.record(z.string(), customService).optional(),
  });
  return { app, appConfig };
}

/** Where state lives; the URL's shape is checked in code (state-config.ts) so its message can mask the password. */
function stateSchema(obj: ObjectOf) {
  return obj({ backend: z.enum(['file', 'postgres']), url: z.string().optional(), schema: z.string().optional() });
}

/** The daemon's `InfrastructureConfig`: `services`, and its older blocks (legacy-infrastructure.ts expands them). */
function infrastructureSchema(obj: ObjectOf) {
  const resources = obj({ memory: size.optional(), memoryReservation: size.optional(), cpus: z.number().positive().optional() });
  const settings = z.record(z.string(), z.unknown());
  return obj({
    services: z.record(z.string(), z.unknown()).optional(),
    postgres: obj({
      image: nonEmpty.optional(), port: port.optional(), user: z.string().optional(), password: z.string().optional(), config: settings.optional(), resources: resources.optional(),
      databases: z.record(z.string(), obj({ user: z.string().optional(), password: z.string().optional(), migrate: z.boolean().optional(), migrationDir: z.string().optional() })).optional(),
    }).optional(),
    redis: obj({
      image: nonEmpty.optional(), port: port.optional(), password: z.string().optional(), config: settings.optional(), resources: resources.optional(),
      databases: z.record(z.string(), count(0)).optional(),
    }).optional(),
    minio: obj({
      image: nonEmpty.optional(), ports: obj({ api: port.optional(), console: port.optional() }).optional(),
      accessKey: nonEmpty.optional(), secretKey: nonEmpty.optional(), buckets: names.optional(), resources: resources.optional(),
    }).optional(),
    gateway: obj({ image: nonEmpty.optional(), port: port.optional(), configDir: nonEmpty.optional(), resources: resources.optional() }).optional(),
    containers: z.unknown().optional(),
    tor: z.unknown().optional(),
  });
}

function stackSchemas<D extends z.ZodType, B extends z.ZodType>(obj: ObjectOf, dockerOverlay: D, bareMetal: B) {
  const infrastructure = infrastructureSchema(obj);
  const node = obj({
    host: nonEmpty,
    name: nonEmpty.optional(),
    label: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    address: nonEmpty.optional(),
    port: port.optional(),
    role: z.enum(['app', 'database', 'cache', 'gateway', 'worker', 'master']).optional(),
    apps: names.optional(),
    ssh: obj({ user: nonEmpty.optional(), port: port.optional(), privateKey: nonEmpty.optional() }).optional(),
    hostKey: nonEmpty.optional(),
  });
  const override = obj({
    external: obj({ host: nonEmpty, ports, secrets: z.record(z.string(), z.string()).optional() }).optional(),
    docker: dockerOverlay.optional(),
    bareMetal: bareMetal.optional(),
    disabled: z.boolean().optional(),
    placement: z.string().optional(),
  });
  const settings = obj({
    env: envRecord.optional(),
    redisDbOffset: count(0).optional(),
    containerPrefix: nonEmpty.optional(),
    logLevel: z.string().optional(),
  });
  const stack = obj({
    type: z.enum(['local', 'remote', 'cluster']),
    nodes: z.array(node).optional(),
    infrastructure: infrastructure.optional(),
    settings: settings.optional(),
    apps: z.union([z.literal('all'), names]).optional(),
    serviceOverrides: z.record(z.string(), override).optional(),
    state: stateSchema(obj).optional(),
    deploy: obj({ limit: count(1).optional(), wait: duration.optional() }).optional(),
  });
  return { stack, infrastructure };
}

function ecosystemSchemas(obj: ObjectOf) {
  const backoff = obj({
    type: z.enum(['exponential', 'linear', 'fixed']).optional(),
    initial: duration.optional(), max: duration.optional(), factor: z.number().positive().optional(),
  });
  const supervision = obj({
    strategy: z.enum(['one_for_one', 'one_for_all', 'rest_for_one']).optional(),
    maxRestarts: count(0).optional(), window: duration.optional(), backoff: backoff.optional(),
  });
  const monitoring = obj({
    healthCheck: obj({ interval: duration.optional(), timeout: duration.optional() }).optional(),
    metrics: obj({ interval: duration.optional(), retention: z.number().min(0).optional() }).optional(),
  });
  const logging = obj({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).optional(),
    maxSize: size.optional(), maxFiles: count(1).optional(), compress: z.boolean().optional(),
  });
  const discovery = obj({
    redisPrefix: z.string().check(z.regex(/^\S+$/, 'expected a key prefix without spaces, e.g. "titan:discovery"')).optional(),
    heartbeatInterval: duration.optional(), heartbeatTTL: duration.optional(),
  });
  // Sections are checked one by one (see load-ecosystem), so one bad section hides nothing else.
  const ecosystem = obj({
    project: nonEmpty.optional(),
    apps: z.array(z.unknown()),
    infrastructure: z.unknown().optional(),
    supervision: z.unknown().optional(),
    monitoring: z.unknown().optional(),
    logging: z.unknown().optional(),
    discovery: z.unknown().optional(),
    stacks: z.record(z.string(), z.unknown()).optional(),
    state: z.unknown().optional(),
  });
  return { ecosystem, supervision, monitoring, logging, discovery, state: stateSchema(obj) };
}

function build(strict: boolean) {
  const obj = (<S extends z.core.$ZodLooseShape>(shape: S) => (strict ? z.strictObject(shape) : z.object(shape))) as unknown as ObjectOf;
  const { customService, presetService, dockerOverlay, bareMetal } = serviceSchemas(obj);
  const { app, appConfig } = appSchemas(obj, customService);
  const { stack, infrastructure } = stackSchemas(obj, dockerOverlay, bareMetal);
  return { ...ecosystemSchemas(obj), app, infrastructure, stack, customService, presetService, appConfig };
}

type Built = ReturnType<typeof build>;
export type SchemaName = keyof Built;
/** The same schema in both modes: `strict` reports unknown keys, `loose` strips them. */
export interface SchemaPair<K extends SchemaName> { strict: Built[K]; loose: Built[K] }

let strictSchemas: Built | undefined;
let looseSchemas: Built | undefined;

/** Each set is built on first use: the loose one is parsed only after the strict one warned (zod-diagnostics.ts). */
export function schemaPair<K extends SchemaName>(name: K): SchemaPair<K> {
  strictSchemas ??= build(true);
  return { strict: strictSchemas[name], get loose() { return (looseSchemas ??= build(false))[name]; } };
}

export type RawEcosystem = z.output<Built['ecosystem']>;
export type RawApp = z.output<Built['app']>;
export type RawInfrastructure = z.output<Built['infrastructure']>;
export type RawSupervision = z.output<Built['supervision']>;
export type RawMonitoring = z.output<Built['monitoring']>;
export type RawLogging = z.output<Built['logging']>;
export type RawDiscovery = z.output<Built['discovery']>;
export type RawStack = z.output<Built['stack']>;
export type RawState = z.output<Built['state']>;
export type RawNode = NonNullable<RawStack['nodes']>[number];
export type RawOverride = NonNullable<RawStack['serviceOverrides']>[string];
export type RawCustomService = z.output<Built['customService']>;
export type RawPresetService = z.output<Built['presetService']>;
export type RawAppConfig = z.output<Built['appConfig']>;
export type RawDocker = NonNullable<RawCustomService['docker']>;
export type RawDockerOverlay = NonNullable<RawPresetService['docker']>;
export type RawHealthCheck = NonNullable<RawCustomService['healthCheck']>;
export type RawSecrets = NonNullable<RawCustomService['secrets']>;
