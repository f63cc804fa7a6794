/**
 * The agent's side of discovery: keeps this node registered with the manifest's listed apps that run
 * right now as its services, follows app state and reloads, and deregisters when the agent stops.
 * Nothing here can stop the agent or its apps: every discovery problem is logged and retried.
 */
import type { AgentLog } from './agent-log.js';
import type { Identity, openDiscoverySession } from './discovery-session.js';
import { announcedServices, formatServices, needsNewClient, sameServices } from './discovery-services.js';
import type { ManifestDiscovery } from '../../contract/agent/manifest.js';
import type { AppStatus } from '../../contract/agent/status.js';

/** What the announcer drives: a DiscoverySession, or a fake in unit tests. */
export interface AnnounceSession {
  announce(identity: Identity): void;
  close(): Promise<void>;
}

export type OpenSession = (settings: ManifestDiscovery, log: AgentLog, env?: NodeJS.ProcessEnv) => AnnounceSession | undefined;

export interface AnnouncerOptions {
  log: AgentLog;
  /** The supervisor's current app status. */
  apps: () => readonly AppStatus[];
  env?: NodeJS.ProcessEnv;
  /** Default: openDiscoverySession, loaded on first use so an agent without discovery never loads the Redis client. */
  open?: OpenSession;
}

export class DiscoveryAnnouncer {
  #settings: ManifestDiscovery | undefined;
  #versions: Readonly<Record<string, string>> = {};
  #session: AnnounceSession | undefined;
  #sent: Identity | undefined;
  #queue: Promise<void> = Promise.resolve();
  #scheduled = false;
  #closed = false;

  constructor(private readonly opts: AnnouncerOptions) {}

  /**
   * Applies the manifest's discovery block (at start and after each reload). A changed connection or
   * timing gets a new client (the old one deregisters first); nodeId, address and apps change in place.
   */
  configure(settings: ManifestDiscovery | undefined, versions: Readonly<Record<string, string>>): Promise<void> {
    return this.#serial(async () => {
      if (this.#closed) return;
      const reconnect = needsNewClient(this.#settings, settings) || (settings !== undefined && this.#session === undefined);
      this.#settings = settings;
      this.#versions = versions;
      if (reconnect) {
        await this.#closeSession();
        if (settings) this.#session = await this.#open(settings);
      }
      this.#sync();
    });
  }

  /** Call on every supervisor event; the services are recomputed once the event's state change has landed. */
  appsChanged(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#sync();
    });
  }

  /** Deregisters and disconnects; later calls do nothing. */
  close(): Promise<void> {
    this.#closed = true;
    return this.#serial(() => this.#closeSession());
  }

  #sync(): void {
    const settings = this.#settings;
    if (!settings || !this.#session || this.#closed) return;
    const next: Identity = { nodeId: settings.nodeId, address: settings.address, services: announcedServices(settings, this.opts.apps(), this.#versions) };
    const sent = this.#sent;
    if (sent && sent.nodeId === next.nodeId && sent.address === next.address && sameServices(sent.services, next.services)) return;
    this.opts.log({ level: 'info', msg: sent ? 'discovery registration changed' : 'discovery registering node', nodeId: next.nodeId, address: next.address, services: formatServices(next.services) });
    this.#sent = next;
    this.#session.announce(next);
  }

  async #open(settings: ManifestDiscovery): Promise<AnnounceSession | undefined> {
    const open: OpenSession = this.opts.open
      ?? ((await import('./discovery-session.js')) as { openDiscoverySession: typeof openDiscoverySession }).openDiscoverySession;
    return open(settings, this.opts.log, this.opts.env);
  }

  async #closeSession(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    this.#sent = undefined;
    await session?.close();
  }

  #serial(op: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(op).catch((err: unknown) => {
      this.opts.log({ level: 'error', msg: 'discovery failed', error: err instanceof Error ? err.message : String(err) });
    });
    this.#queue = next;
    return next;
  }
}
