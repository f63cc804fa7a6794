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

export const JWT_SECRET = 'jwt_secret';

export interface WiringInput {
  model: StackModel;
  /** Host apps use to reach services: 127.0.0.1 for a local stack. */
  host: string;
  redisSlots: RedisSlot[];
  stackDir: string;
}

export function postgresResources(input: WiringInput): DesiredResource[] {
  const pg = service(input.model, 'postgres');
  if (!pg) return [];
  const connection = serverConnection(pg, input.host);
  return input.model.apps.filter((a) => a.requirements.database).flatMap((app): DesiredResource[] => [
    { address: addr.role(app.name), type: 'postgres_role', attributes: { name: app.name, login: true }, connection, dependsOn: serverDeps(pg), sensitive: [] },
    { address: addr.database(app.name), type: 'postgres_database', attributes: { name: app.name, owner: app.name }, connection, dependsOn: [addr.role(app.name), ...serverDeps(pg)], sensitive: [] },
  ]);
}

export function redisResources(input: WiringInput): DesiredResource[] {
  const redis = service(input.model, 'redis');
  if (!redis) return [];
  const connection = {
    host: redis.external?.host ?? input.host,
    port: redis.endpointPorts.main,
    password: redisPassword(redis),
  };
  return input.redisSlots.map((slot) => ({
    address: slot.address, type: 'redis_database', connection, dependsOn: serverDeps(redis), sensitive: [],
    attributes: { index: slot.index, app: slot.app, purpose: slot.purpose },
  }));
}

export function envFileResource(input: WiringInput, app: AppSpec): DesiredResource {
  const infra = infraEnv(input, app);
  const variables: Record<string, Expr> = {
    ...app.env,
    ...infra.variables,
    ...input.model.stack.settings.env,
    OMNITRON_PROJECT: input.model.project,
    OMNITRON_STACK: input.model.stack.name,
    OMNITRON_STACK_TYPE: input.model.stack.type,
  };
  const sensitive = [...infra.secret].filter((k) => variables[k] === infra.variables[k]).map((k) => `variables.${k}`);
  return {
    address: addr.envFile(app.name),
    type: 'env_file',
    attributes: { path: path.join(input.stackDir, 'env', `${app.name}.env`), mode: '0600', variables },
    dependsOn: infra.dependsOn,
    sensitive,
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
  set('JWT_SECRET', ref(addr.secret(JWT_SECRET), 'result'), true);
  set('APP_NAME', app.name, false);
  set('STACK_NAME', input.model.stack.name, false);
  for (const svc of servicesFor(input.model, app)) {
    for (const [key, text] of Object.entries(svc.requirement.env)) {
      const rendered = renderServiceTemplate(text, svc, input.host);
      set(key, rendered.expr, rendered.secret);
    }
    if (svc.docker) env.dependsOn.push(addr.container(svc.name));
  }
  return env;
}

type Setter = (key: string, value: Expr, secret: boolean) => void;

function databaseEnv(input: WiringInput, app: AppSpec, set: Setter, deps: string[]) {
  const pg = service(input.model, 'postgres');
  if (!app.requirements.database || !pg) return;
  const scheme = app.requirements.database.dialect === 'postgresql' ? 'postgresql' : 'postgres';
  const host = pg.external?.host ?? input.host;
  const user = encodeURIComponent(app.name);
  set('DATABASE_URL', template(`${scheme}://${user}:`, ref(addr.role(app.name), 'password'), `@${host}:${pg.endpointPorts.main}/${user}`), true);
  deps.push(addr.database(app.name));
}

function redisEnv(input: WiringInput, app: AppSpec, set: Setter, deps: string[]) {
  const redis = service(input.model, 'redis');
  if (!redis) return;
  const url = (slot: RedisSlot) => template('redis://:', redisPassword(redis), `@${redis.external?.host ?? input.host}:${redis.endpointPorts.main}/${slot.index}`);
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

function serverConnection(pg: ResolvedService, host: string): Expr {
  return {
    host: pg.external?.host ?? host,
    port: pg.endpointPorts.main,
    user: pg.external ? (pg.external.secrets.user ?? POSTGRES_SUPERUSER) : POSTGRES_SUPERUSER,
    password: pg.external?.secrets.password ?? ref(addr.secret(POSTGRES_SUPERUSER_SECRET), 'result'),
    database: 'postgres',
  };
}

function serverDeps(svc: ResolvedService): string[] {
  return svc.docker ? [addr.container(svc.name)] : [];
}

function service(model: StackModel, name: string): ResolvedService | undefined {
  return model.services.find((s) => s.name === name && s.requirement.preset === name);
}

/** Custom services an app gets env from: the ones it declares, plus ecosystem/stack-level ones. */
function servicesFor(model: StackModel, app: AppSpec): ResolvedService[] {
  return model.services.filter((s) => !s.requirement.preset && (s.declaredBy.length === 0 || s.declaredBy.includes(app.name)));
}
