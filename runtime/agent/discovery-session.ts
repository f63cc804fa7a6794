/**
 * One registration of this node in discovery: a Redis connection from the URL in the agent's own
 * environment and a DiscoveryClient heartbeating through it. Redis being away is never fatal: the
 * connection keeps reconnecting, the client keeps retrying, and once Redis answers again the node is
 * registered anew. Every line it logs has the URL and its password masked.
 */
import { Redis } from 'ioredis';
import { DiscoveryClient, type ServiceInfo } from '../discovery/index.js';
import type { AgentLog } from './agent-log.js';
import { clientOptions, maskEntry, maskText, urlSecrets } from './discovery-services.js';
import type { ManifestDiscovery } from '../../contract/agent/manifest.js';

/** A deregistration that cannot finish in this time (Redis hung) must not hold up the agent's exit. */
const CLOSE_TIMEOUT_MS = 5_000;
const RECONNECT_MAX_MS = 2_000;

export interface Identity { nodeId: string; address: string; services: ServiceInfo[] }

/** Undefined (after logging why) when the URL is missing or the settings are unusable. */
export function openDiscoverySession(settings: ManifestDiscovery, log: AgentLog, env: NodeJS.ProcessEnv = process.env): DiscoverySession | undefined {
  const name = settings.redisUrlEnv;
  const url = env[name];
  const disabled = (why: string) => { log({ level: 'error', msg: `discovery disabled: ${why}; the apps keep running without registration`, env: name }); };
  if (!url) return void disabled(`environment variable ${name} is not set`);
  if (!/^rediss?:\/\/[^\s]+$/.test(url)) return void disabled(`environment variable ${name} does not hold a redis:// URL`);
  const secrets = urlSecrets(url);
  const masked: AgentLog = (entry) => log(maskEntry({ ...entry, component: 'discovery' }, secrets));
  let redis: Redis | undefined;
  try {
    redis = new Redis(url, {
      lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 5_000,
      retryStrategy: (times) => Math.min(times * 250, RECONNECT_MAX_MS),
    });
    const client = new DiscoveryClient(redis, clientOptions(settings), { log: masked });
    return new DiscoverySession(redis, client, masked, settings.heartbeatInterval);
  } catch (err) {
    redis?.disconnect();
    return void disabled(maskText(err instanceof Error ? err.message : String(err), secrets));
  }
}

export class DiscoverySession {
  #identity: Identity | undefined;
  #ready = false;
  #down = false;
  #closed = false;
  readonly #readyTimer: NodeJS.Timeout;

  constructor(private readonly redis: Redis, private readonly client: DiscoveryClient, private readonly log: AgentLog, firstWaitMs: number) {
    redis.on('error', (err: Error) => this.#onDown(err.message));
    redis.on('close', () => this.#onDown('connection closed'));
    redis.on('ready', () => this.#onReady());
    // The first heartbeat waits (briefly) for the connection, so a normal start logs no failed beat.
    this.#readyTimer = setTimeout(() => this.#begin(), firstWaitMs);
    redis.connect().catch(() => undefined); // failures arrive as 'error' events and are retried
  }

  /** Registers (first call) or updates what this node announces; a changed nodeId re-registers under the new one. */
  announce(identity: Identity): void {
    this.#identity = { ...identity, services: [...identity.services] };
    if (this.#ready) this.#send();
  }

  /** Stops heartbeats and deregisters (best effort, bounded in time), then drops the connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#readyTimer);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(() => { this.log({ level: 'warn', msg: 'deregistration timed out' }); resolve(); }, CLOSE_TIMEOUT_MS); });
    await Promise.race([this.client.stop(), timeout]).finally(() => clearTimeout(timer));
    this.redis.disconnect();
  }

  #begin(): void {
    clearTimeout(this.#readyTimer);
    if (this.#ready || this.#closed) return;
    this.#ready = true;
    this.#send();
  }

  #send(): void {
    const id = this.#identity;
    if (!id || this.#closed) return;
    this.client.registerNode(id.nodeId, id.address, id.services)
      .catch((err: unknown) => this.log({ level: 'warn', msg: 'discovery registration failed; retrying at the next heartbeat', error: (err as Error).message }));
  }

  /** Once per outage, however many reconnect attempts fail. */
  #onDown(why: string): void {
    if (this.#down || this.#closed) return;
    this.#down = true;
    this.log({ level: 'warn', msg: 'discovery redis unreachable; reconnecting', error: why });
  }

  /** Back after an outage: heartbeat now rather than at the next tick (a restarted Redis lost the node). */
  #onReady(): void {
    if (this.#down) this.log({ level: 'info', msg: 'discovery redis reachable again' });
    this.#down = false;
    if (this.#ready) this.#send();
    else this.#begin();
  }
}
