/**
 * Discovery events on the pub/sub channel: `{type, nodeId, address, services, timestamp}` in that key
 * order, and the subscriber that receives them on a duplicated connection.
 */
import { Cluster } from 'ioredis';
import type { DiscoveryLog } from './log.js';
import { errorText } from './log.js';
import { normalizeServices, readServices, type ServiceInfo } from './node-info.js';
import type { RedisClient } from './scripts.js';

export const EVENT_TYPES = ['NODE_REGISTERED', 'NODE_UPDATED', 'NODE_DEREGISTERED'] as const;
export type DiscoveryEventType = (typeof EVENT_TYPES)[number];

export interface DiscoveryEvent {
  type: DiscoveryEventType;
  nodeId: string;
  address: string;
  services: ServiceInfo[];
  /** ms since the epoch, a number (not a string as in the hash). */
  timestamp: number;
}

export type DiscoveryEventHandler = (event: DiscoveryEvent) => void;

export type EventBody = Omit<DiscoveryEvent, 'type'>;

export function encodeEvent(type: DiscoveryEventType, body: EventBody): string {
  return JSON.stringify({ type, nodeId: body.nodeId, address: body.address, services: normalizeServices(body.services), timestamp: body.timestamp });
}

/** Undefined for anything that is not a well-formed event (foreign publishers share the channel). */
export function parseEvent(text: string): DiscoveryEvent | undefined {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || !EVENT_TYPES.includes(v.type as DiscoveryEventType)) return undefined;
  if (typeof v.nodeId !== 'string' || typeof v.address !== 'string') return undefined;
  const timestamp = Number(v.timestamp);
  if (!Number.isFinite(timestamp)) return undefined;
  return { type: v.type as DiscoveryEventType, nodeId: v.nodeId, address: v.address, services: readServices(v.services), timestamp };
}

export interface SubscriberHooks {
  onEvent(event: DiscoveryEvent): void;
  /** The connection came back after a drop: events may have been missed meanwhile. */
  onResubscribed(): void;
  log: DiscoveryLog;
}

export class EventSubscriber {
  readonly #connection: RedisClient;
  #wasReady = false;
  #dropped = false;

  constructor(redis: RedisClient, readonly channel: string, hooks: SubscriberHooks) {
    // SUBSCRIBE may be sent before the connection is up; the union's duplicate() signatures differ.
    this.#connection = redis instanceof Cluster ? redis.duplicate(undefined, { enableOfflineQueue: true }) : redis.duplicate({ enableOfflineQueue: true });
    this.#connection.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const event = parseEvent(message);
      if (event) hooks.onEvent(event);
    });
    this.#connection.on('error', (err: unknown) => hooks.log({ level: 'warn', msg: 'discovery subscriber connection error', error: errorText(err) }));
    this.#connection.on('close', () => { this.#dropped = this.#wasReady; });
    this.#connection.on('ready', () => {
      if (this.#dropped) hooks.onResubscribed();
      this.#wasReady = true;
      this.#dropped = false;
    });
  }

  async start(): Promise<void> {
    await this.#connection.subscribe(this.channel);
  }

  async stop(): Promise<void> {
    await this.#connection.quit().catch(() => this.#connection.disconnect());
  }
}
