/**
 * One connection per node for a whole run: connected on first use, reused by every later call, closed
 * together at the end. A failed connect is remembered for the run (its dependents fail fast with the
 * same cause); a connection that dropped is replaced once on next use. `withNode` bounds how many
 * nodes are worked on at once.
 */
import { ProviderError } from '../../planner/resource.js';
import { connectNode, type AcceptedHostKey, type ConnectOptions, type NodeConnection, type SshNode } from './connection.js';
import { Limiter } from './limiter.js';
import { timed } from '../../planner/timing.js';

export interface PoolOptions extends ConnectOptions {
  /** Nodes worked on at once. */
  concurrency: number;
  /** Replaces connectNode, for tests. */
  connect?: (node: SshNode, opts: ConnectOptions) => Promise<NodeConnection>;
}

export interface NewHostKey extends AcceptedHostKey {
  node: string;
}

export class NodePool {
  private readonly nodes = new Map<string, SshNode>();
  private readonly connections = new Map<string, Promise<NodeConnection>>();
  private readonly limiter: Limiter;
  private closed = false;

  constructor(nodes: Iterable<SshNode>, private readonly opts: PoolOptions) {
    for (const node of nodes) this.nodes.set(node.name, node);
    this.limiter = new Limiter(opts.concurrency);
  }

  /** The node's connection, connecting on first use. */
  async connection(name: string): Promise<NodeConnection> {
    if (this.closed) throw new ProviderError(`node.${name}`, 'the node pool is already closed');
    const cached = this.connections.get(name);
    if (!cached) return this.connect(name);
    const connection = await cached;
    if (connection.isOpen) return connection;
    if (this.connections.get(name) === cached) this.connections.delete(name);
    return this.connection(name);
  }

  /** Runs `work` with the node's connection, at most `concurrency` nodes at once. */
  withNode<T>(name: string, work: (connection: NodeConnection) => Promise<T>): Promise<T> {
    return this.limiter.run(async () => work(await this.connection(name)));
  }

  /** `work` on every named node (bounded), each outcome kept: one node failing does not stop the others. */
  async eachNode<T>(names: readonly string[], work: (connection: NodeConnection) => Promise<T>): Promise<Map<string, PromiseSettledResult<T>>> {
    const settled = await Promise.allSettled(names.map((name) => this.withNode(name, work)));
    return new Map(names.map((name, i) => [name, settled[i]]));
  }

  /** Host keys accepted through trustNewHosts during this run, for the caller to record. */
  async newHostKeys(): Promise<NewHostKey[]> {
    const found: NewHostKey[] = [];
    for (const [name, pending] of this.connections) {
      const connection = await pending.catch(() => undefined);
      if (connection?.hostKey.status === 'new') found.push({ node: name, ...connection.hostKey });
    }
    return found;
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(pending.map((p) => p.then((c) => c.close(), () => undefined)));
  }

  private connect(name: string): Promise<NodeConnection> {
    const node = this.nodes.get(name);
    if (!node) return Promise.reject(new ProviderError(`node.${name}`, `unknown node ${name}`));
    const connecting = timed(`ssh connect node ${name}`, () => (this.opts.connect ?? connectNode)(node, this.opts));
    this.connections.set(name, connecting);
    return connecting;
  }
}
