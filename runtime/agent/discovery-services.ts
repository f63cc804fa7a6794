/**
 * The pure half of the agent's discovery registration: which services this node announces, which
 * manifest changes need a new Redis client, and how log text is kept free of the Redis password.
 */
import type { DiscoveryOptionsInput, ServiceInfo } from '../discovery/index.js';
import type { ManifestDiscovery } from '../../contract/agent/manifest.js';
import type { AppStatus } from '../../contract/agent/status.js';

/** The listed apps that run right now, in the manifest's order; version from the app's defineSystem. */
export function announcedServices(discovery: ManifestDiscovery, apps: readonly AppStatus[], versions: Readonly<Record<string, string>>): ServiceInfo[] {
  const running = new Set(apps.filter((a) => a.state === 'running').map((a) => a.name));
  return discovery.apps.filter((name) => running.has(name))
    .map((name) => (versions[name] === undefined ? { name } : { name, version: versions[name] }));
}

export function sameServices(a: readonly ServiceInfo[], b: readonly ServiceInfo[]): boolean {
  return a.length === b.length && a.every((s, i) => s.name === b[i]!.name && s.version === b[i]!.version);
}

export function formatService(s: ServiceInfo): string {
  return s.version === undefined ? s.name : `${s.name}@${s.version}`;
}

export function formatServices(services: readonly ServiceInfo[]): string[] {
  return services.map(formatService);
}

/** The settings bound to one client (its Redis connection and timing); nodeId, address and apps change in place. */
const CLIENT_FIELDS = ['redisUrlEnv', 'redisPrefix', 'heartbeatInterval', 'heartbeatTTL', 'pubSubEnabled', 'pubSubChannel'] as const;

export function needsNewClient(current: ManifestDiscovery | undefined, next: ManifestDiscovery | undefined): boolean {
  if (!current || !next) return current !== next;
  return CLIENT_FIELDS.some((f) => current[f] !== next[f]);
}

export function clientOptions(d: ManifestDiscovery): DiscoveryOptionsInput {
  return {
    redisPrefix: d.redisPrefix, heartbeatInterval: d.heartbeatInterval, heartbeatTTL: d.heartbeatTTL,
    pubSubEnabled: d.pubSubEnabled, pubSubChannel: d.pubSubChannel, clientMode: false,
  };
}

/** The URL and its password (raw and percent-decoded): every form a log line might repeat. */
export function urlSecrets(url: string): string[] {
  const secrets = [url];
  try {
    const { password } = new URL(url);
    if (password) secrets.push(password, decodeURIComponent(password));
  } catch {
    // Not a URL: the whole text is all there is to hide.
  }
  return [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

/** Replaces every secret in every string field (shallow: log entries are flat). */
export function maskEntry<T extends Record<string, unknown>>(entry: T, secrets: readonly string[]): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) out[k] = typeof v === 'string' ? maskText(v, secrets) : v;
  return out as T;
}

export function maskText(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const s of secrets) masked = masked.replaceAll(s, '***');
  return masked;
}
