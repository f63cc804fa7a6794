/**
 * The Omnitron daemon's `InfrastructureConfig` (ecosystem or stack level): `services`, and its older
 * blocks `postgres`, `redis`, `minio` and `gateway`, which expand into the services a `services`
 * entry of the same preset would give (`postgres`, `redis`, `minio`, and `gateway` with preset
 * openresty), so a config written either way plans the same resources. A legacy `port` is where
 * clients reach the server, like a preset's `ports.main`: the image keeps its own port (the daemon
 * published `-p 5480:5480`, which the stock image never answers). What the daemon carried but never
 * used, and what omnitron decides itself (passwords, database lists, Redis indexes), is a warning
 * naming the field, never silently dropped.
 */
import { warning, type Diagnostic } from '../diagnostics.js';
import type { ServiceRequirement } from './model.js';
import { normalizeServices } from './normalize-services.js';
import type { RawInfrastructure } from './schema.js';
import { at, within, type SourceContext } from './source-context.js';
import { parseBucketList } from './bucket-name.js';

type Legacy = NonNullable<RawInfrastructure>;

/** `ctx` points at the `infrastructure` block. */
export function normalizeInfrastructure(raw: RawInfrastructure | undefined, ctx: SourceContext): { services: Record<string, ServiceRequirement>; diagnostics: Diagnostic[] } {
  const legacy = legacyEntries(raw ?? {}, ctx);
  const fromLegacy = normalizeServices(legacy.entries, ctx);
  const fromServices = normalizeServices(raw?.services, within(ctx, 'services'));
  const diagnostics = [...legacy.diagnostics, ...fromLegacy.diagnostics, ...fromServices.diagnostics];
  for (const name of Object.keys(fromLegacy.services).filter((n) => n in fromServices.services)) {
    diagnostics.push(warning(`infrastructure.${name} is replaced by infrastructure.services.${name}`, { detail: 'a services entry wins over the older block of the same name; remove one of them', ...at(ctx, name) }));
  }
  return { services: { ...fromLegacy.services, ...fromServices.services }, diagnostics };
}

function legacyEntries(raw: Legacy, ctx: SourceContext): { entries: Record<string, unknown>; diagnostics: Diagnostic[] } {
  const entries: Record<string, unknown> = {};
  const diagnostics: Diagnostic[] = [];
  const unused = (block: string, field: string, why: string) => diagnostics.push(warning(`infrastructure.${block}.${field} is not used`, { detail: why, ...at(ctx, block, field) }));
  const common = (b: { image?: string; resources?: unknown }) => ({ ...(b.image ? { image: b.image } : {}), ...(b.resources ? { resources: b.resources } : {}) });
  if (raw.postgres) {
    const pg = raw.postgres;
    entries.postgres = { preset: 'postgres', ...common(pg), ...(pg.port ? { ports: { main: pg.port } } : {}) };
    if (pg.user !== undefined || pg.password !== undefined) unused('postgres', pg.user !== undefined ? 'user' : 'password', 'omnitron generates the superuser\'s password and keeps it sealed in state; each app gets its own role');
    if (pg.databases) unused('postgres', 'databases', 'omnitron creates one database (and role) per app whose config/default.json asks for a database, named after the app; migrations are not run');
    if (pg.config) unused('postgres', 'config', 'the preset\'s server settings are fixed (as in the daemon, which carried this block but never applied it)');
  }
  if (raw.redis) {
    const redis = raw.redis;
    entries.redis = { preset: 'redis', ...common(redis), ...(redis.port ? { ports: { main: redis.port } } : {}) };
    if (redis.password !== undefined) unused('redis', 'password', 'omnitron generates the Redis password, sets it as requirepass and keeps it sealed in state');
    if (redis.databases) unused('redis', 'databases', 'omnitron hands out database indexes itself, one per app that asks for Redis (and for discovery), and keeps them stable in state');
    if (redis.config) unused('redis', 'config', 'the preset\'s server settings are fixed (as in the daemon, which carried this block but never applied it)');
  }
  if (raw.minio) {
    const m = raw.minio;
    const ports = { ...(m.ports?.api ? { api: m.ports.api } : {}), ...(m.ports?.console ? { console: m.ports.console } : {}) };
    const secrets = { ...(m.accessKey ? { accessKey: m.accessKey } : {}), ...(m.secretKey ? { secretKey: m.secretKey } : {}) };
    entries.minio = {
      preset: 'minio', ...common(m), ...(Object.keys(ports).length > 0 ? { ports } : {}), ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
      ...(m.buckets ? { config: { buckets: legacyBuckets(m.buckets, ctx, diagnostics) } } : {}),
    };
  }
  if (raw.gateway) {
    const g = raw.gateway;
    entries.gateway = { preset: 'openresty', ...common(g), ...(g.port ? { ports: { http: g.port } } : {}), ...(g.configDir ? { config: { configDir: g.configDir } } : {}) };
  }
  for (const block of ['containers', 'tor'] as const) {
    if (raw[block] === undefined) continue;
    diagnostics.push(warning(`infrastructure.${block} is not provisioned`, {
      detail: block === 'tor' ? 'declare it as infrastructure.services.<name> with preset: "tor" and config.hiddenServices' : 'declare each container as infrastructure.services.<name> with ports and a docker block',
      ...at(ctx, block),
    }));
  }
  return { entries, diagnostics };
}

/** Checked here, so a bad name points at `infrastructure.minio.buckets[i]` and not at the service it becomes. */
function legacyBuckets(raw: string[], ctx: SourceContext, out: Diagnostic[]): string[] {
  const parsed = parseBucketList(raw, ctx, 'minio', 'buckets');
  out.push(...parsed.diagnostics);
  return parsed.buckets;
}
