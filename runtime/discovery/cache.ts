/**
 * Client-side cache of active nodes for hot-path lookups. A full read from Redis fills it; events keep
 * it current between reads. It reloads when older than `maxAge`, when any entry may have expired
 * (crashed nodes send no event), and after the subscriber reconnects (events may have been missed).
 */
import type { DiscoveryEvent } from './events.js';
import type { NodeInfo } from './node-info.js';

/** A node and how long its heartbeat key still lives (PTTL; Infinity when it has no expiry). */
export interface NodeRead { node: NodeInfo; ttlMs: number }

interface Entry { node: NodeInfo; expiresAt: number }

export interface NodeCacheOptions {
  maxAge: number;
  /** How long an event keeps a node alive: this ecosystem's heartbeatTTL. */
  eventTtl: number;
  now?: () => number;
}

export class NodeCache {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  #loadedAt: number | undefined;
  #loading: Promise<void> | undefined;
  #during: DiscoveryEvent[] | undefined;
  #generation = 0;

  constructor(readonly options: NodeCacheOptions) {
    this.#now = options.now ?? Date.now;
  }

  /** The cached nodes, reloading first through `read` when the cache cannot be trusted. */
  async nodes(read: () => Promise<NodeRead[]>): Promise<NodeInfo[]> {
    if (!this.fresh()) await this.#reload(read);
    return [...this.#entries.values()].map((e) => e.node);
  }

  fresh(): boolean {
    const now = this.#now();
    if (this.#loadedAt === undefined || now - this.#loadedAt >= this.options.maxAge) return false;
    for (const e of this.#entries.values()) if (e.expiresAt <= now) return false;
    return true;
  }

  apply(event: DiscoveryEvent): void {
    if (this.#during) this.#during.push(event);
    if (this.#loadedAt === undefined) return;
    if (event.type === 'NODE_DEREGISTERED') {
      this.#entries.delete(event.nodeId);
      return;
    }
    const { type: _type, ...node } = event;
    const expiresAt = Math.max(this.#entries.get(event.nodeId)?.expiresAt ?? 0, this.#now() + this.options.eventTtl);
    this.#entries.set(event.nodeId, { node, expiresAt });
  }

  invalidate(): void {
    this.#loadedAt = undefined;
    this.#generation += 1;
  }

  /** One read at a time; events that arrive during the read are applied on top of it. */
  #reload(read: () => Promise<NodeRead[]>): Promise<void> {
    this.#loading ??= this.#load(read).finally(() => { this.#loading = undefined; });
    return this.#loading;
  }

  async #load(read: () => Promise<NodeRead[]>): Promise<void> {
    const during: DiscoveryEvent[] = [];
    const generation = this.#generation;
    this.#during = during;
    const startedAt = this.#now();
    const reads = await read().finally(() => { this.#during = undefined; });
    this.#entries.clear();
    for (const r of reads) this.#entries.set(r.node.nodeId, { node: r.node, expiresAt: startedAt + r.ttlMs });
    // Invalidated while reading (the subscriber reconnected): serve this read once, reload next time.
    this.#loadedAt = generation === this.#generation ? startedAt : startedAt - this.options.maxAge;
    for (const event of during) this.apply(event);
  }
}
