/** Shared pieces of the discovery integration tests: connections, clients and log capture, all closed in `close()`. */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import type { DiscoveryLog } from '../../../runtime/discovery/log.js';
import type { DiscoveryOptionsInput } from '../../../runtime/discovery/options.js';
import { afterAll, beforeAll } from 'vitest';
import { DiscoveryClient } from '../../../runtime/discovery/registry.js';
import { startRedis, type TestRedis } from './redis-servers.js';
import { discoveryKeys } from '../../../runtime/discovery/keys.js';
import { buildRegisteringNode, type RegisteringNodeBundle } from './registering-node-bundle.js';
import type { RedisClient } from '../../../runtime/discovery/scripts.js';

export type LogEntry = Parameters<DiscoveryLog>[0];

export class TestBed {
  readonly suffix = randomBytes(4).toString('hex');
  readonly #connections: RedisClient[] = [];
  readonly #clients: DiscoveryClient[] = [];
  #count = 0;

  constructor(readonly host: string, public port: number) {}

  /** A unique prefix per call, so tests share one server without seeing each other's keys. */
  prefix(): string {
    this.#count += 1;
    return `it-${this.suffix}-${this.#count}:discovery`;
  }

  connect(extra: RedisOptions = {}): Redis {
    const c = new Redis({ host: this.host, port: this.port, retryStrategy: () => 100, ...extra });
    c.on('error', () => {});
    this.#connections.push(c);
    return c;
  }

  track(connection: RedisClient): void {
    this.#connections.push(connection);
  }

  client(options: DiscoveryOptionsInput, logs: LogEntry[] = [], connection: RedisClient = this.connect(), now?: () => number): DiscoveryClient {
    const c = new DiscoveryClient(connection, options, { log: (e) => { logs.push(e); }, now });
    this.#clients.push(c);
    return c;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#clients.map((c) => c.stop()));
    for (const c of this.#connections) c.disconnect();
  }
}

/** The client connection's address as MONITOR reports it (`ip:port`). */
export async function clientAddress(connection: Redis): Promise<string> {
  const info = String(await connection.client('INFO'));
  return /addr=(\S+)/.exec(info)![1]!;
}

export interface Monitored { source: string; args: string[] }

/** Starts MONITOR on its own connection; `stop()` ends it and returns what it saw. */
export async function monitor(bed: TestBed): Promise<{ seen: Monitored[]; stop: () => Promise<Monitored[]> }> {
  const m = await bed.connect().monitor();
  const seen: Monitored[] = [];
  m.on('monitor', (_time: string, args: string[], source: string) => { seen.push({ source, args }); });
  return {
    seen,
    stop: async () => { await new Promise((r) => setTimeout(r, 100)); m.disconnect(); return seen; },
  };
}

export interface TcpGate { port: number; open: boolean; stop(): Promise<void> }

/**
 * A loopback TCP relay to `target` that refuses new connections while closed, and drops the client
 * side whenever the server side drops, so a client behind it sees a server restart as it happens.
 */
export async function tcpGate(target: number): Promise<TcpGate> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!gate.open) { client.destroy(); return; }
    const upstream = net.connect(target, '127.0.0.1');
    const end = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    for (const s of [client, upstream]) { sockets.add(s); s.on('error', end).on('close', end); }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const gate: TcpGate = {
    port: (server.address() as net.AddressInfo).port,
    open: true,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
  return gate;
}

/** One Redis container and a TestBed on it for a whole test file, stopped after it. */
export function useRedisBed(): { server: TestRedis; bed: TestBed } {
  const ctx = {} as { server: TestRedis; bed: TestBed };
  beforeAll(async () => {
    ctx.server = await startRedis();
    ctx.bed = new TestBed(ctx.server.host, ctx.server.port);
  });
  afterAll(async () => {
    await ctx.bed?.close();
    await ctx.server?.container.stop();
  });
  return ctx;
}

/** A fresh prefix's keys and a raw connection that writes hashes and heartbeats as another (or a damaged) titan-discovery writer left them. */
export function rawRegistry(bed: TestBed) {
  const p = bed.prefix();
  const k = discoveryKeys(p);
  const raw = bed.connect();
  const put = async (id: string, hash: Record<string, string> | undefined, alive: boolean) => {
    if (hash) await raw.hset(k.node(id), hash);
    if (alive) await raw.set(k.heartbeat(id), '1', 'PX', 60_000);
    await raw.sadd(k.index, id);
  };
  return { p, k, raw, put };
}

/** useRedisBed plus the bundled registering-node program (registering-node-bundle.ts), removed after the file. */
export function useRegisteringNodeBed(): { server: TestRedis; bed: TestBed; node: RegisteringNodeBundle } {
  const ctx = {} as { server: TestRedis; bed: TestBed; node: RegisteringNodeBundle };
  beforeAll(async () => {
    [ctx.server, ctx.node] = await Promise.all([startRedis(), buildRegisteringNode()]);
    ctx.bed = new TestBed(ctx.server.host, ctx.server.port);
  });
  afterAll(async () => {
    await ctx.bed?.close();
    await ctx.server?.container.stop();
    ctx.node?.remove();
  });
  return ctx;
}
