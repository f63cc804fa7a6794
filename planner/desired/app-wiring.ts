/**
 * What each app gets: its Postgres role and database, its Redis DB indexes, and one env file holding
 * the wired environment. Precedence, low to high: app `env`, infrastructure env, stack
 * `settings.env`, the OMNITRON_* variables.
 */
import path from 'node:path';
import { ref, template, type Expr, type Ref } from '../expr.js';
import type { AppSpec, ResolvedService, StackModel } from '../config/model.js';
import type { DesiredResource } from '../resource.js';
import { addr } from './addresses.js';
import { POSTGRES_SUPERUSER, POSTGRES_SUPERUSER_SECRET, REDIS_SECRET } from './docker-service.js';
import type { RedisSlot } from './redis-allocation.js';
import { renderServiceTemplate } from './service-templates.js';
import { s3Env, storageService } from './s3-wiring.js';

export const JWT_SECRET = 'jwt_secret';

export interface WiringInput {
  model: StackModel;
  /** Host apps use to reach a service: 127.0.0.1 for a local stack, the service's node address otherwise. */
  hostFor(service: ResolvedService): string;
  /** Where omnitron itself connects to manage a server (roles, databases, DB indexes). */
  adminEndpoint(service: ResolvedService): { host: string; via?: string };
  redisSlots: RedisSlot[];
  stackDir: string;
  /** Resources meaning a service is up, when not a Docker container (bare-metal units). */
  serviceReady?(service: ResolvedService): string[];
}

export function postgresResources(input: WiringInput): DesiredResource[] {
  const pg = service(input.model, 'postgres');
  if (!pg) return [];
  const connection = serverConnection(pg, input.adminEndpoint(pg));
  return input.model.apps.filter((a) => a.requirements.database).flatMap((app): DesiredResource[] => [
    { address: addr.role(app.name), type: 'postgres_role', attributes: { name: app.name, login: true }, connection, dependsOn: serviceReady(input, pg), sensitive: [] },
    { address: addr.database(app.name), type: 'postgres_database', attributes: { name: app.name, owner: app.name }, connection, dependsOn: [addr.role(app.name), ...serviceReady(input, pg)], sensitive: [] },
  ]);
}

export function redisResources(input: WiringInput): DesiredResource[] {
  const redis = service(input.model, 'redis');
  if (!redis) return [];
  const admin = input.adminEndpoint(redis);
  const connection = {
    host: redis.external?.host ?? admin.host,
    port: redis.endpointPorts.main,
    password: redisPassword(redis),
    ...(admin.via && !redis.external ? { via: admin.via } : {}),
  };
  return input.redisSlots.map((slot) => ({
    address: slot.address, type: 'redis_database', connection, dependsOn: serviceReady(input, redis), sensitive: [],
    attributes: { index: slot.index, app: slot.app, purpose: slot.purpose },
  }));
}

export interface AppEnvironment {
  variables: Record<string, Expr>;
  /** Variable names whose values are, or are built from, secrets. */
  secret: string[];
  /** What must exist before the app can use this environment (its database, DB indexes, services). */
  dependsOn: string[];
}

export function appEnvironment(input: WiringInput, app: AppSpec): AppEnvironment {
  const infra = infraEnv(input, app);
  const variables: Record<string, Expr> = {
    // The stack's settings.logLevel, else the ecosystem's logging.level, unless the app's own env (or the stack's settings.env) says otherwise.
    LOG_LEVEL: input.model.stack.settings.logLevel ?? input.model.logging.level,
    ...app.env,
    ...infra.variables,
    ...input.model.stack.settings.env,
    OMNITRON_PROJECT: input.model.project,
    OMNITRON_STACK: input.model.stack.name,
    OMNITRON_STACK_TYPE: input.model.stack.type,
  };
  const secret = [...infra.secret].filter((k) => variables[k] === infra.variables[k]);
  return { variables, secret, dependsOn: infra.dependsOn };
}

export function envFileResource(input: WiringInput, app: AppSpec): DesiredResource {
  const env = appEnvironment(input, app);
  return {
    address: addr.envFile(app.name),
    type: 'env_file',
    attributes: { path: path.join(input.stackDir, 'env', `${app.name}.env`), mode: '0600', variables: env.variables },
    dependsOn: env.dependsOn,
    sensitive: env.secret.map((k) => `variables.${k}`),
  };
}

interface InfraEnv { variables: Record<string, Expr>; secret: Set<string>; dependsOn: string[] }

function infraEnv(input: WiringInput, app: AppSpec): InfraEnv {
  const env: InfraEnv = { variables: {}, secret: new Set(), dependsOn: [] };
  const set = (key: string, value: Expr, secret: boolean) => {
    env.variables[key] = value;
    if (secret) env.secret.add(key); else env.secret.delete(key);
  };
  databaseEnv(input, app, set, env.dependsOn);
  redisEnv(input, app, set, env.dependsOn);
  const storage = storageService(input.model);
  if (storage) s3Env(input.model, app, input.hostFor(storage), set, env.dependsOn);
  set('JWT_SECRET', ref(addr.secret(JWT_SECRET), 'result'), true);
  set('APP_NAME', app.name, false);
  set('STACK_NAME', input.model.stack.name, false);
  for (const svc of servicesFor(input.model, app)) {
    for (const [key, text] of Object.entries(svc.requirement.env)) {
      const rendered = renderServiceTemplate(text, svc, input.hostFor(svc));
      set(key, rendered.expr, rendered.secret);
    }
    env.dependsOn.push(...serviceReady(input, svc));
  }
  return env;
}

type Setter = (key: string, value: Expr, secret: boolean) => void;

function databaseEnv(input: WiringInput, app: AppSpec, set: Setter, deps: string[]) {
  const pg = service(input.model, 'postgres');
  if (!app.requirements.database || !pg) return;
  const scheme = app.requirements.database.dialect === 'postgresql' ? 'postgresql' : 'postgres';
  const host = pg.external?.host ?? input.hostFor(pg);
  const user = encodeURIComponent(app.name);
  set('DATABASE_URL', template(`${scheme}://${user}:`, ref(addr.role(app.name), 'password'), `@${host}:${pg.endpointPorts.main}/${user}`), true);
  deps.push(addr.database(app.name));
}

function redisUrl(input: WiringInput, redis: ResolvedService, slot: RedisSlot): Expr {
  return template('redis://:', redisPassword(redis), `@${redis.external?.host ?? input.hostFor(redis)}:${redis.endpointPorts.main}/${slot.index}`);
}

/** The stack's Redis at the DB index shared for discovery, when any app asks for discovery. */
export function discoveryRedis(input: WiringInput): { url: Expr; dependsOn: string[] } | undefined {
  const redis = service(input.model, 'redis');
  const slot = input.redisSlots.find((s) => s.purpose === 'discovery');
  if (!redis || !slot) return undefined;
  return { url: redisUrl(input, redis, slot), dependsOn: [slot.address, ...serviceReady(input, redis)] };
}

function redisEnv(input: WiringInput, app: AppSpec, set: Setter, deps: string[]) {
  const redis = service(input.model, 'redis');
  if (!redis) return;
  const url = (slot: RedisSlot) => redisUrl(input, redis, slot);
  for (const slot of input.redisSlots) {
    const mine = slot.purpose === 'app' ? slot.app === app.name
      : slot.purpose === 'discovery' ? app.requirements.discovery : app.requirements.notifications;
    if (!mine) continue;
    const key = slot.purpose === 'app' ? 'REDIS_URL' : slot.purpose === 'discovery' ? 'DISCOVERY_REDIS_URL' : 'NOTIFICATIONS_REDIS_URL';
    set(key, url(slot), true);
    deps.push(slot.address);
  }
}

function redisPassword(redis: ResolvedService): string | Ref {
  const external = redis.external?.secrets.password;
  return external ?? ref(addr.secret(REDIS_SECRET), 'result');
}

function serverConnection(pg: ResolvedService, admin: { host: string; via?: string }): Expr {
  return {
    ...(admin.via && !pg.external ? { via: admin.via } : {}),
    host: pg.external?.host ?? admin.host,
    port: pg.endpointPorts.main,
    user: pg.external ? (pg.external.secrets.user ?? POSTGRES_SUPERUSER) : POSTGRES_SUPERUSER,
    password: pg.external?.secrets.password ?? ref(addr.secret(POSTGRES_SUPERUSER_SECRET), 'result'),
    database: 'postgres',
  };
}

/** Resources that mean "the service is up": set by the stack builder (a container, or a node's unit). */
function serverDeps(svc: ResolvedService): string[] {
  return svc.docker ? [addr.container(svc.name)] : [];
}

function serviceReady(input: WiringInput, svc: ResolvedService): string[] {
  return input.serviceReady ? input.serviceReady(svc) : serverDeps(svc);
}

function service(model: StackModel, name: string): ResolvedService | undefined {
  return model.services.find((s) => s.name === name && s.requirement.preset === name);
}

/** Custom services an app gets env from: the ones it declares, plus ecosystem/stack-level ones. */
function servicesFor(model: StackModel, app: AppSpec): ResolvedService[] {
  return model.services.filter((s) => !s.requirement.preset && (s.declaredBy.length === 0 || s.declaredBy.includes(app.name)));
}
