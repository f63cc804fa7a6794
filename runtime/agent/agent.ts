/**
 * The node agent: runs the manifest's apps under the supervisor, serves the control socket, keeps
 * status.json current, reconciles on reload, and ends in one of two ways: a graceful shutdown (exit
 * 0), or a critical app failing for good (exit 70, after stopping the rest) so systemd's restart
 * policy and the operator both see it.
 */
import path from 'node:path';
import { findStampedProcesses } from '../supervisor/stamped-processes.js';
import { Supervisor, type ReconcileResult } from '../supervisor/supervisor.js';
import type { AppSpec, SupervisorEvent } from '../supervisor/types.js';
import { agentStatus } from './agent-status.js';
import { createControlVerifier, type ControlVerifier } from '../../contract/agent/control-token.js';
import { HttpError, startControlServer, type ControlServer } from './control-server.js';
import { readManifest, type AgentManifest } from '../../contract/agent/manifest.js';
import { DiscoveryAnnouncer } from './discovery-announcer.js';
import { resolveManifestApps, type ResolveDeps } from './resolve-app.js';
import { createStatusFile, type StatusFile } from './status-file.js';
import type { AgentState, AgentStatus, AppStatus } from '../../contract/agent/status.js';
import { jsonLineLog, type AgentLog } from './agent-log.js';

export const EXIT_OK = 0;
export const EXIT_START_FAILED = 1;
export const EXIT_CRITICAL = 70;

export interface AgentOptions {
  manifestPath: string;
  log?: AgentLog;
  resolveDeps?: ResolveDeps;
  now?: () => number;
}

export interface RunningAgent {
  status(): AgentStatus;
  reload(): Promise<ReconcileResult>;
  restart(app: string): Promise<AppStatus | undefined>;
  /** Stops every app, removes the socket, writes a final status; `done` then resolves with 0. */
  shutdown(reason: string): Promise<void>;
  /** Exits (0) leaving every app running, for the next agent (an upgrade) to adopt without restarting them. */
  handover(): Promise<void>;
  /** Every app is running, failed or blocked (the supervisor's start finished). */
  readonly started: Promise<void>;
  /** The exit code for the process: 0 after shutdown, 70 after a critical failure, 1 if the supervisor could not start. */
  readonly done: Promise<number>;
}

/** Resolves once the control socket answers; the apps start in the background (see `started`). */
export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  const manifest = await readManifest(opts.manifestPath);
  const verifier = await createControlVerifier(manifest.publicKey, manifest.node);
  const { specs, versions, notes } = await resolveManifestApps(manifest, opts.resolveDeps);
  const agent = new NodeAgent(opts, manifest, verifier, specs);
  await agent.serve(specs, versions, notes);
  return agent;
}

const ENDING: ReadonlySet<AgentState> = new Set(['stopping', 'stopped', 'failed']);

class NodeAgent implements RunningAgent {
  started: Promise<void> = Promise.resolve();
  readonly done: Promise<number>;
  readonly #log: AgentLog;
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #supervisor: Supervisor;
  readonly #statusFile: StatusFile;
  /** Stopping everything turns a failed app into a stopped one; the final status still says which failed. */
  readonly #failed = new Set<string>();
  #state: AgentState = 'starting';
  #generation = 0;
  #reloadError?: string;
  #failedReloads = 0;
  #reason?: string;
  #notes: Record<string, string[]> = {};
  #server?: ControlServer;
  #queue: Promise<unknown> = Promise.resolve();
  #finish!: (code: number) => void;
  /** The agent's own environment, as it started: apps get it minus what is only the agent's (see #withholdFromApps). */
  readonly #ownEnv: NodeJS.ProcessEnv = { ...process.env };
  readonly #discovery = new DiscoveryAnnouncer({ log: (e) => this.#log(e), apps: () => this.#supervisor.status(), env: this.#ownEnv });

  constructor(private readonly opts: AgentOptions, private manifest: AgentManifest, private verifier: ControlVerifier, specs: AppSpec[]) {
    NodeAgent.#withholdFromApps(manifest);
    this.#log = opts.log ?? jsonLineLog();
    this.#now = opts.now ?? Date.now;
    this.#startedAt = this.#now();
    this.done = new Promise((resolve) => { this.#finish = resolve; });
    this.#supervisor = new Supervisor({
      apps: specs, metricsInterval: manifest.metricsInterval, now: this.#now, onEvent: (e) => this.#onEvent(e),
      handover: { pipeDir: path.join(manifest.stateDir, 'pipes'), owner: manifest.stateDir },
    });
    this.#statusFile = createStatusFile({
      stateDir: manifest.stateDir, snapshot: () => this.status(),
      onError: (err) => this.#log({ level: 'warn', msg: 'status file not written', error: err.message }),
    });
  }

  async serve(specs: AppSpec[], versions: Record<string, string> = {}, notes: Record<string, string[]> = {}): Promise<void> {
    this.#setNotes(notes);
    this.#server = await startControlServer({
      socketPath: this.manifest.controlSocket,
      verifier: () => this.verifier,
      handlers: { status: () => this.status(), reload: () => this.reload(), restart: (app) => this.restart(app), logFile: (app, proc) => this.#supervisor.logFile(app, proc) },
    });
    this.#statusFile.flush();
    this.#log({ level: 'info', msg: 'agent started', node: this.manifest.node, apps: specs.map((s) => s.name), socket: this.manifest.controlSocket });
    void this.#discovery.configure(this.manifest.discovery, versions);
    const adopt = findStampedProcesses(this.manifest.stateDir);
    this.started = this.#supervisor.start({ adopt }).then(() => { if (this.#state === 'starting') this.#setState('running'); }, (err: Error) => this.#startFailed(err));
  }

  status(): AgentStatus {
    const apps = this.#supervisor.status().map((a) => ({
      ...a, ...(this.#failed.has(a.name) ? { state: 'failed' as const } : {}), ...(this.#notes[a.name] ? { notes: this.#notes[a.name] } : {}),
    }));
    return agentStatus({ identity: this.manifest, startedAt: this.#startedAt, generation: this.#generation, failedReloads: this.#failedReloads, reloadError: this.#reloadError, state: this.#state, reason: this.#reason, apps, now: this.#now() });
  }

  reload(): Promise<ReconcileResult> {
    return this.#serial(async () => {
      const { next, specs, versions, notes } = await this.#nextManifest().catch((err: Error) => {
        this.#reloadError = err.message;
        this.#failedReloads++;
        this.#statusFile.flush();
        throw err;
      });
      this.#reloadError = undefined;
      NodeAgent.#withholdFromApps(next);
      warnRestartOnly(this.manifest, next, this.#log);
      this.verifier = await createControlVerifier(next.publicKey, next.node);
      this.manifest = { ...next, controlSocket: this.manifest.controlSocket, stateDir: this.manifest.stateDir };
      this.#setNotes(notes);
      const result = await this.#supervisor.reconcile(specs);
      void this.#discovery.configure(this.manifest.discovery, versions);
      this.#generation++;
      this.#log({ level: 'info', msg: 'reloaded', ...result });
      this.#statusFile.notify();
      return result;
    });
  }

  restart(app: string): Promise<AppStatus | undefined> {
    return this.#serial(async () => {
      await this.#supervisor.restart(app);
      return this.status().apps.find((a) => a.name === app);
    });
  }

  async shutdown(why: string): Promise<void> {
    if (ENDING.has(this.#state)) return void (await this.done);
    this.#log({ level: 'info', msg: 'shutting down', reason: why });
    this.#setState('stopping');
    await this.#stopAll(EXIT_OK);
  }

  async handover(): Promise<void> {
    if (ENDING.has(this.#state)) return void (await this.done);
    this.#log({ level: 'info', msg: 'handing over: exiting with every app left running for the next agent' });
    this.#setState('stopping');
    await this.#queue; // a reload in flight finishes first, so no process is half started
    await this.#supervisor.detach();
    await this.#server?.close();
    this.#reason = 'handed over to the next agent; apps left running';
    this.#setState('stopped');
    this.#statusFile.close();
    this.#finish(EXIT_OK);
  }

  /** Apps inherit the agent's environment; discovery's Redis URL (it holds the password) is the agent's alone. */
  static #withholdFromApps(manifest: AgentManifest): void {
    if (manifest.discovery) delete process.env[manifest.discovery.redisUrlEnv];
  }

  /** A manifest that fails to load or resolve leaves the running apps untouched. */
  async #nextManifest(): Promise<{ next: AgentManifest; specs: AppSpec[]; versions: Record<string, string>; notes: Record<string, string[]> }> {
    const file = this.opts.manifestPath;
    const next = await readManifest(file).catch((err: Error) => { throw new HttpError(422, err.message); });
    if (next.node !== this.manifest.node) throw new HttpError(422, `${file} is for node "${next.node}", this agent serves "${this.manifest.node}"`);
    const { specs, versions, notes } = await resolveManifestApps(next, this.opts.resolveDeps).catch((err: Error) => { throw new HttpError(422, err.message); });
    return { next, specs, versions, notes };
  }

  #onEvent(e: SupervisorEvent): void {
    this.#statusFile.notify();
    this.#discovery.appsChanged();
    if (e.type !== 'metrics') this.#log({ level: eventLevel(e), msg: e.type, ...e });
    if (e.type === 'critical') void this.#failCritical(e.app, e.reason);
  }

  async #failCritical(app: string, why: string): Promise<void> {
    if (ENDING.has(this.#state)) return;
    for (const a of this.#supervisor.status()) if (a.state === 'failed') this.#failed.add(a.name);
    this.#failed.add(app);
    this.#reason = `critical app "${app}" failed: ${why}`;
    this.#log({ level: 'error', msg: 'critical app failed; stopping all apps', app, reason: why });
    this.#setState('failed');
    await this.#stopAll(EXIT_CRITICAL);
  }

  async #startFailed(err: Error): Promise<void> {
    if (ENDING.has(this.#state)) return;
    this.#reason = `supervisor failed to start: ${err.message}`;
    this.#log({ level: 'error', msg: 'supervisor failed to start', error: err.message });
    this.#setState('failed');
    await this.#stopAll(EXIT_START_FAILED);
  }

  async #stopAll(code: number): Promise<void> {
    await this.#discovery.close(); // peers stop routing here before the apps stop
    await this.#supervisor.stop().catch((err: Error) => this.#log({ level: 'error', msg: 'supervisor stop failed', error: err.message }));
    await this.#server?.close();
    this.#setState(code === EXIT_OK ? 'stopped' : 'failed');
    this.#statusFile.close();
    this.#log({ level: code === EXIT_OK ? 'info' : 'error', msg: 'agent exiting', code });
    this.#finish(code);
  }

  /** Each app's notes, logged once whenever they change. */
  #setNotes(notes: Record<string, string[]>): void {
    for (const [app, list] of Object.entries(notes)) {
      if (JSON.stringify(this.#notes[app]) !== JSON.stringify(list)) for (const note of list) this.#log({ level: 'warn', msg: note, app });
    }
    this.#notes = notes;
  }

  #setState(next: AgentState): void {
    this.#state = next;
    this.#statusFile.flush();
  }

  /** Reloads and restarts run one at a time, and not once the agent is on its way out. */
  #serial<T>(op: () => Promise<T>): Promise<T> {
    const guarded = () => {
      if (ENDING.has(this.#state)) throw new HttpError(503, `agent is ${this.#state}`);
      return op();
    };
    const next = this.#queue.then(guarded, guarded);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}

function eventLevel(e: SupervisorEvent): 'info' | 'warn' | 'error' {
  if (e.type === 'failed' || e.type === 'critical' || e.type === 'rolled-back' || e.type === 'start-failed' || e.type === 'process-failed') return 'error';
  if (e.type === 'exit' || e.type === 'health-failed' || e.type === 'restart-scheduled' || e.type === 'blocked') return 'warn';
  return 'info';
}

/** Fields bound to the running process: a reload keeps the old value until the agent restarts. */
function warnRestartOnly(current: AgentManifest, next: AgentManifest, log: AgentLog): void {
  for (const field of ['controlSocket', 'stateDir', 'metricsInterval'] as const) {
    if (current[field] !== next[field]) log({ level: 'warn', msg: `${field} changed; it applies when the agent restarts`, field });
  }
}
