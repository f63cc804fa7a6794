/**
 * DiscoveryClient: registers this node and its services in Redis the way titan-discovery does (one
 * atomic heartbeat script per interval, events on pub/sub) and answers lookups, optionally from a
 * client-side cache kept current by events.
 */
import { Cluster } from 'ioredis';
import { NodeCache } from './cache.js';
import { encodeEvent, EventSubscriber, type DiscoveryEvent, type DiscoveryEventHandler } from './events.js';
import { HeartbeatLoop } from './heartbeat-loop.js';
import { discoveryKeys, nodeScriptKeys, type DiscoveryKeys } from './keys.js';
import { errorText, stderrLog, type DiscoveryLog } from './log.js';
import { encodeServices, hostsService, withoutService, withService, type NodeInfo, type ServiceInfo } from './node-info.js';
import { readActiveNodes, readIndexedNodes, readNode, type ReaderContext } from './node-reader.js';
import { DiscoveryOptionsError, type OptionIssue } from './option-issues.js';
import { resolveDiscoveryOptions, type DiscoveryOptions, type DiscoveryOptionsInput } from './options.js';
import { DEREGISTER_SCRIPT, HEARTBEAT_SCRIPT, runScript, UPDATE_NODE_SCRIPT, type RedisClient } from './scripts.js';

export interface DiscoveryDeps {
  log?: DiscoveryLog;
  now?: () => number;
}

/** What this node announces; services may be announced before registerNode (as Netron exposes them). */
interface Identity { nodeId?: string; address?: string; services: ServiceInfo[] }

export class DiscoveryClient {
  readonly options: DiscoveryOptions;
  /** Warnings from option validation (errors throw from the constructor). */
  readonly diagnostics: readonly OptionIssue[];
  readonly keys: DiscoveryKeys;
  readonly #redis: RedisClient;
  readonly #log: DiscoveryLog;
  readonly #now: () => number;
  readonly #handlers = new Set<DiscoveryEventHandler>();
  readonly #cache: NodeCache | undefined;
  readonly #loop: HeartbeatLoop;
  #self: Identity = { services: [] };
  /** A heartbeat went through since construction (or stop()): later ones announce NODE_UPDATED, as titan-discovery's writer. */
  #registered = false;
  #subscriber: EventSubscriber | undefined;

  constructor(redis: RedisClient, input: DiscoveryOptionsInput = {}, deps: DiscoveryDeps = {}) {
    const { options, diagnostics } = resolveDiscoveryOptions(input, { cluster: redis instanceof Cluster });
    if (diagnostics.some((d) => d.severity === 'error')) throw new DiscoveryOptionsError(diagnostics);
    this.options = options;
    this.diagnostics = diagnostics;
    this.keys = discoveryKeys(options.redisPrefix);
    this.#redis = redis;
    this.#log = deps.log ?? stderrLog;
    this.#now = deps.now ?? Date.now;
    for (const d of diagnostics) this.#log({ level: 'warn', msg: d.summary, option: d.path, detail: d.detail });
    if (options.cache) this.#cache = new NodeCache({ maxAge: options.cacheMaxAge, eventTtl: options.heartbeatTTL, now: this.#now });
    this.#loop = new HeartbeatLoop({
      interval: options.heartbeatInterval, maxRetries: options.maxRetries, retryDelay: options.retryDelay,
      attemptTimeout: options.heartbeatInterval, beat: () => this.#sendHeartbeat(), log: this.#log,
    });
  }

  /** This node's id once registerNode ran (kept after deregistration, to recognise its own events). */
  get nodeId(): string | undefined {
    return this.#self.nodeId;
  }

  /** Subscribes to events when pubSubEnabled (onEvent handlers and the cache need it). */
  async start(): Promise<void> {
    if (!this.options.pubSubEnabled || this.#subscriber) return;
    this.#subscriber = new EventSubscriber(this.#redis, this.options.pubSubChannel, {
      onEvent: (e) => this.#receive(e),
      onResubscribed: () => this.#cache?.invalidate(),
      log: this.#log,
    });
    await this.#subscriber.start();
  }

  /** Stops heartbeats, deregisters this node (best effort) and closes the subscriber. */
  async stop(): Promise<void> {
    if (this.#loop.running) {
      await this.deregisterNode().catch((err: unknown) => this.#log({ level: 'warn', msg: 'deregistration failed', error: errorText(err) }));
    }
    await this.#subscriber?.stop();
    this.#subscriber = undefined;
    this.#registered = false;
  }

  /**
   * Registers this node and starts heartbeats. Resolves after the first heartbeat's attempts, whether
   * or not Redis answered: an outage is retried on the schedule, not thrown. No-op in client mode.
   */
  async registerNode(nodeId: string, address: string, services?: ServiceInfo[]): Promise<void> {
    if (!nodeId) throw new Error('registerNode: nodeId must be a non-empty string');
    if (!address) throw new Error('registerNode: address must be a non-empty "host:port"');
    if (this.#loop.running && this.#self.nodeId !== nodeId) await this.deregisterNode();
    this.#self = { nodeId, address, services: services ? [...services] : this.#self.services };
    if (this.options.clientMode) return;
    await (this.#loop.running ? this.#loop.trigger() : this.#loop.start());
  }

  /** Removes a node's keys and publishes NODE_DEREGISTERED; for this node (the default) heartbeats stop first. */
  async deregisterNode(nodeId: string | undefined = this.#self.nodeId): Promise<void> {
    if (!nodeId || this.options.clientMode) return;
    if (nodeId === this.#self.nodeId) await this.#loop.stop();
    // As in titan-discovery, the event carries the publisher's address and services.
    const { address = '', services } = this.#self;
    const event = encodeEvent('NODE_DEREGISTERED', { nodeId, address, services, timestamp: this.#now() });
    await runScript(this.#redis, DEREGISTER_SCRIPT, nodeScriptKeys(this.keys, nodeId), [nodeId, this.#channel(), event]);
  }

  registerService(service: ServiceInfo): Promise<void> {
    return this.#change((s) => ({ ...s, services: withService(s.services, service) }));
  }

  unregisterService(name: string, version?: string): Promise<void> {
    return this.#change((s) => ({ ...s, services: withoutService(s.services, name, version) }));
  }

  updateServices(services: ServiceInfo[]): Promise<void> {
    return this.#change((s) => ({ ...s, services: [...services] }));
  }

  updateAddress(address: string): Promise<void> {
    if (!address) throw new Error('updateAddress: address must be a non-empty "host:port"');
    return this.#change((s) => ({ ...s, address }));
  }

  /**
   * Sets another node's (or this node's) address in its hash, as titan-discovery does (no TTL renewal),
   * and announces NODE_UPDATED with the node as it now is. False when the node has no hash (nothing is
   * written) and in client mode. For this node, later heartbeats carry the new address.
   */
  updateNodeAddress(nodeId: string, address: string): Promise<boolean> {
    if (!address) throw new Error('updateNodeAddress: address must be a non-empty "host:port"');
    if (nodeId === this.#self.nodeId) this.#self = { ...this.#self, address };
    return this.#updateNode(nodeId, 'address', address);
  }

  /** As updateNodeAddress, for the node's whole service list. */
  updateNodeServices(nodeId: string, services: ServiceInfo[]): Promise<boolean> {
    if (nodeId === this.#self.nodeId) this.#self = { ...this.#self, services: [...services] };
    return this.#updateNode(nodeId, 'services', encodeServices(services));
  }

  /** Every node whose heartbeat key exists, sorted by id. */
  async getActiveNodes(): Promise<NodeInfo[]> {
    if (this.#cache) return this.#cache.nodes(() => readActiveNodes(this.#reader()));
    return (await readActiveNodes(this.#reader())).map((r) => r.node);
  }

  /** Active nodes hosting `name` (with exactly `version`, when given). */
  async findNodesByService(name: string, version?: string): Promise<NodeInfo[]> {
    return (await this.getActiveNodes()).filter((n) => hostsService(n, name, version));
  }

  async isNodeActive(nodeId: string): Promise<boolean> {
    return (await this.#redis.exists(this.keys.heartbeat(nodeId))) === 1;
  }

  /** Active nodes with an address, sorted by id, read leniently and without removing anything (titan-discovery's findNodes). */
  findNodes(): Promise<NodeInfo[]> {
    return readIndexedNodes(this.#reader(), { alive: true });
  }

  /** Every indexed node with an address, alive or not, removing nothing. */
  getAllNodes(): Promise<NodeInfo[]> {
    return readIndexedNodes(this.#reader(), { alive: false });
  }

  /** Whether the node's hash exists (its heartbeat may have lapsed). */
  async nodeExists(nodeId: string): Promise<boolean> {
    return (await this.#redis.exists(this.keys.node(nodeId))) === 1;
  }

  /**
   * The node's hash as titan-discovery reads it: whether or not its heartbeat lives, null only without
   * an address; services `[]` when absent or not JSON, timestamp 0 when absent or empty.
   */
  getNodeInfo(nodeId: string): Promise<NodeInfo | null> {
    return readNode(this.#reader(), nodeId);
  }

  /** Events from other nodes (a node's own events are not delivered to it, as in titan-discovery). */
  onEvent(handler: DiscoveryEventHandler): void {
    this.#handlers.add(handler);
  }

  offEvent(handler: DiscoveryEventHandler): void {
    this.#handlers.delete(handler);
  }

  async #change(update: (self: Identity) => Identity): Promise<void> {
    this.#self = update(this.#self);
    if (!this.options.clientMode && this.#loop.running) await this.#loop.trigger();
  }

  async #sendHeartbeat(): Promise<void> {
    const { nodeId, address, services } = this.#self;
    if (nodeId === undefined || address === undefined) return;
    const timestamp = this.#now();
    const ttl = this.options.heartbeatTTL;
    const type = this.#registered ? 'NODE_UPDATED' : 'NODE_REGISTERED';
    const args = [
      nodeId, address, encodeServices(services), String(timestamp), Math.ceil(ttl / 1000), ttl,
      this.#channel(), encodeEvent(type, { nodeId, address, services, timestamp }),
    ];
    const newToRedis = await runScript(this.#redis, HEARTBEAT_SCRIPT, nodeScriptKeys(this.keys, nodeId), args);
    this.#registered = true;
    if (newToRedis === 1) this.#log({ level: 'info', msg: 'node registered', nodeId, address });
  }

  async #updateNode(nodeId: string, field: 'address' | 'services', value: string): Promise<boolean> {
    if (this.options.clientMode) return false;
    const updated = await runScript(this.#redis, UPDATE_NODE_SCRIPT, [this.keys.node(nodeId)], [nodeId, field, value, this.#channel(), this.#now()]);
    return updated === 1;
  }

  #receive(event: DiscoveryEvent): void {
    this.#cache?.apply(event);
    if (event.nodeId === this.#self.nodeId) return;
    for (const handler of this.#handlers) {
      try {
        handler(event);
      } catch (err) {
        this.#log({ level: 'warn', msg: 'discovery event handler threw', type: event.type, error: errorText(err) });
      }
    }
  }

  #channel(): string {
    return this.options.pubSubEnabled ? this.options.pubSubChannel : '';
  }

  #reader(): ReaderContext {
    return { redis: this.#redis, keys: this.keys, reap: !this.options.clientMode, log: this.#log };
  }
}
