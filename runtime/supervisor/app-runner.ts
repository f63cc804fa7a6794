import type { ChildProcess } from 'node:child_process';
import { AdoptedProcess } from './adopted-process.js';
import { computeBackoff } from './backoff.js';
import { HealthMonitor } from './health-monitor.js';
import { closeFd, openOutputPipe, reopenOutputPipe } from './output-pipe.js';
import { childEnv, spawnProcess, terminateGroup, type Child } from './process-group.js';
import { specDigest } from './spec-equal.js';
import { sampleProcess } from './proc-metrics.js';
import { describeExit, waitReady } from './readiness.js';
import { RestartWindow } from './restart-window.js';
import { livePid, newSlot, outputRead, pipeOutput, pipePath, pipeStream, slotStatus, type Slot } from './slot.js';
import type { AppSpec, SupervisorEvent } from './types.js';
import { Watchers } from './watchers.js';
import { gaveUp, overallHealth, pause, startupTimeoutOf } from './runner-policy.js';
import { explainStartFailure } from './module-check.js';
import type { ProcessSpec } from './types.js';
import type { AppState, AppStatus } from '../../contract/agent/status.js';

export interface RunnerContext {
  now: () => number;
  emit: (event: SupervisorEvent) => void;
  /** Called after every state change, so the supervisor can re-check dependency waits. */
  changed: () => void;
  handover?: { pipeDir: string; owner: string };
  /** The runner of the release before, during a rollout: its processes' logs are shared. */
  previous?: AppRunner;
}

/** A process of this app found running, to supervise again instead of starting it. */
export interface Adoptable { pid: number; startTime: string }

const ADOPTED_EXIT = 'exited (status unknown: adopted from an earlier agent)';
/** How long a stop waits for an exited process's last output to be read before flushing its log. */
const OUTPUT_READ_MS = 2_000;

type Phase = 'pending' | 'blocked' | 'active' | 'failing' | 'failed' | 'stopping' | 'stopped';
const SETTLED: ReadonlySet<AppState> = new Set(['running', 'failed', 'blocked', 'stopped']);

/**
 * Runs one app: spawns its processes, waits for readiness, applies the restart strategy, intensity and
 * backoff, restarts on failed health checks, and marks the app failed (critical: escalates) past budget.
 */
export class AppRunner {
  #phase: Phase = 'pending';
  #blockedBy?: string;
  #restarts = 0;
  #runningSince?: number;
  #wasRunning = false;
  #abort = new AbortController();
  #planned = new WeakMap<Child, string>(); // children we stop on purpose, with the reason
  /** During a rollout a start that is not ready is reported, not retried: the supervisor rolls back. */
  #gated = false;
  readonly #slots: Slot[];
  readonly #budget: RestartWindow;
  readonly #health?: HealthMonitor;
  readonly #watchers = new Watchers();

  constructor(readonly spec: AppSpec, private readonly ctx: RunnerContext) {
    this.#slots = spec.processes.map((p, i) => newSlot(spec, p, i, ctx.previous?.logOf(p.name)));
    this.#budget = new RestartWindow(spec.restart.maxRestarts, spec.restart.window, ctx.now);
    if (spec.health) this.#health = new HealthMonitor(spec.health, this.#probeContext(), {
      active: () => this.state === 'running',
      failed: (consecutive, reason) => this.ctx.emit({ type: 'health-failed', app: spec.name, consecutive, reason }),
      exhausted: (reason) => void this.#onFailure(undefined, reason),
    });
    for (const slot of this.#slots) {
      // A non-critical process (a worker) spends a restart budget of its own.
      if (slot.spec.critical === false) slot.budget = new RestartWindow(spec.restart.maxRestarts, spec.restart.window, ctx.now);
      if (slot.spec.health) slot.health = new HealthMonitor(slot.spec.health, this.#probeContext(slot.spec), {
        active: () => this.#phase === 'active' && slot.state === 'running',
        failed: (consecutive, reason) => this.ctx.emit({ type: 'health-failed', app: spec.name, process: slot.spec.name, consecutive, reason }),
        exhausted: (reason) => void this.#onFailure(slot, reason),
      });
    }
  }

  logOf(processName: string): Slot['log'] | undefined {
    return this.#slots.find((s) => s.spec.name === processName)?.log;
  }

  get state(): AppState {
    if (this.#phase === 'failing') return 'stopping';
    if (this.#phase !== 'active') return this.#phase;
    // A non-critical process that gave up leaves the app running without it.
    const states = this.#slots.filter((s) => !gaveUp(s)).map((s) => s.state);
    if (states.length === 0) return 'failed';
    if (states.every((s) => s === 'running')) return 'running';
    return states.includes('backoff') ? 'backoff' : 'starting';
  }

  whenSettled(): Promise<void> {
    return this.#watchers.until(() => SETTLED.has(this.state));
  }

  /** Starts every process; resolves once the app is running, failed for good, or stopped meanwhile. */
  async start(): Promise<void> {
    this.#phase = 'active';
    this.#blockedBy = undefined;
    this.#abort = new AbortController();
    this.#startHealth();
    for (const slot of this.#slots) void this.#launch(slot);
    this.#changed();
    await this.whenSettled();
  }

  /**
   * Rollout, new release: starts these processes (the first call makes the app active) and waits for
   * their first readiness only. Resolves with why one was not ready, having stopped it; nothing is retried.
   */
  async launchGated(indexes: number[]): Promise<string | undefined> {
    if (this.#phase !== 'active') {
      this.#phase = 'active';
      this.#abort = new AbortController();
      this.#startHealth();
    }
    this.#gated = true;
    const reasons = await Promise.all(indexes.map((i) => this.#launch(this.#slots[i])));
    return reasons.find((r) => r !== undefined);
  }

  /** Rollout done: failures are restarted per strategy from now on. */
  endRollout(): void {
    this.#gated = false;
  }

  /** Rollout, previous release: stops these processes on purpose, leaving their place to the new release. */
  async handOff(indexes: number[]): Promise<void> {
    const slots = indexes.map((i) => this.#slots[i]);
    for (const slot of slots) slot.claimed = true; // no restart strategy brings them back meanwhile
    await this.#stopSlots(slots, 'replaced by a new release');
  }

  /** Rollout undone: these processes start again from this (the previous) release. */
  async takeBack(indexes: number[]): Promise<void> {
    await Promise.all(indexes.map((i) => this.#launch(this.#slots[i])));
  }

  /** Supervises processes an earlier agent left running (one per declared process) as if this runner had started them. */
  adopt(found: ReadonlyMap<string, Adoptable>): void {
    this.#phase = 'active';
    this.#abort = new AbortController();
    for (const slot of this.#slots) {
      const { pid, startTime } = found.get(slot.spec.name)!;
      const child = new AdoptedProcess(pid, startTime);
      Object.assign(slot, { child, starts: 1, claimed: false, spawnedAt: this.ctx.now(), state: 'running', cpuSample: { ticks: 0, at: Date.now() } });
      child.once('exit', () => this.#onExit(slot, child, null, null));
      const reader = this.ctx.handover && reopenOutputPipe(pipePath(this.ctx.handover.pipeDir, this.spec.name, slot.spec.name));
      if (reader) this.#read(slot, reader);
      this.ctx.emit({ type: 'adopted', app: this.spec.name, process: slot.spec.name, pid });
    }
    this.#startHealth();
    this.#health?.reset(false);
    for (const slot of this.#slots) slot.health?.reset(false);
    this.#changed();
  }

  /** Lets go of every process without stopping it, for the next agent to adopt. */
  async detach(): Promise<void> {
    this.#abort.abort();
    this.#stopHealth();
    for (const slot of this.#slots) {
      slot.reader?.destroy();
      if (slot.child instanceof AdoptedProcess) slot.child.release();
      else slot.child?.removeAllListeners('exit');
    }
    await Promise.all(this.#slots.map((s) => s.log.close()));
  }

  block(by: string): void {
    this.#phase = 'blocked';
    this.#blockedBy = by;
    for (const slot of this.#slots) slot.state = 'blocked';
    this.ctx.emit({ type: 'blocked', app: this.spec.name, by });
    if (this.spec.critical) this.ctx.emit({ type: 'critical', app: this.spec.name, reason: `blocked by ${by}` });
    this.#changed();
  }

  /** Graceful stop of every process. `then: 'pending'` prepares a manual restart (fresh budget, no 'stopped' event). */
  async stop(opts: { quiet?: boolean; then?: 'stopped' | 'pending' } = {}): Promise<void> {
    this.#phase = 'stopping';
    this.#abort.abort();
    this.#stopHealth();
    this.#changed();
    const children = this.#slots.map((s) => s.child);
    await this.#stopSlots(this.#slots, 'stopped');
    for (const slot of this.#slots) slot.state = opts.then ?? 'stopped';
    await Promise.all(children.map((child) => outputRead(child, OUTPUT_READ_MS)));
    await Promise.all(this.#slots.map((s) => s.log.flush()));
    if (opts.then === 'pending') for (const budget of [this.#budget, ...this.#slots.map((sl) => sl.budget)]) budget?.reset();
    this.#phase = opts.then ?? 'stopped';
    if (!opts.quiet) this.ctx.emit({ type: 'stopped', app: this.spec.name });
    this.#changed();
  }

  /** Closes the log files; call once the runner is stopped for good. */
  async dispose(): Promise<void> {
    for (const slot of this.#slots) slot.reader?.destroy();
    await Promise.all(this.#slots.map((s) => s.log.close()));
  }

  status(): AppStatus {
    const processes = this.#slots.map(slotStatus);
    const lastExit = processes.map((p) => p.lastExit).filter((e) => e !== undefined).sort((a, b) => b.at - a.at)[0];
    const running = this.state === 'running' && this.#runningSince !== undefined;
    return {
      name: this.spec.name,
      state: this.state,
      restarts: this.#restarts,
      health: overallHealth([this.#health, ...this.#slots.map((sl) => sl.health)]),
      processes,
      ...(running ? { uptimeMs: this.ctx.now() - this.#runningSince! } : {}),
      ...(this.#blockedBy ? { blockedBy: this.#blockedBy } : {}),
      ...(lastExit ? { lastExit } : {}),
    };
  }

  async sampleMetrics(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => this.#sample(slot)));
  }

  async #sample(slot: Slot): Promise<void> {
    const pid = livePid(slot);
    if (pid === undefined) return;
    const child = slot.child;
    const at = Date.now();
    const sample = await sampleProcess(pid, slot.cpuSample ?? { ticks: 0, at }, at);
    if (!sample || slot.child !== child) return;
    slot.cpuSample = sample.sample;
    slot.cpu = sample.cpu;
    slot.rss = sample.rss;
    this.ctx.emit({ type: 'metrics', app: this.spec.name, process: slot.spec.name, cpu: sample.cpu, rss: sample.rss });
  }

  /** Resolves with why the process was not ready, when this runner is gated (see launchGated). */
  async #launch(slot: Slot): Promise<string | undefined> {
    const signal = this.#abort.signal;
    const child = this.#spawn(slot);
    if (!child) return this.#gated ? slot.lastExit?.reason ?? 'could not start' : undefined;
    const health = slot.spec.health === undefined ? this.spec.health : slot.spec.health ?? undefined;
    const outcome = await waitReady(child, { ipc: slot.spec.ipc, health, probe: this.#probeContext(slot.spec), timeoutMs: startupTimeoutOf(this.spec, slot.spec), signal });
    if (signal.aborted || slot.child !== child || this.#planned.has(child)) return;
    if (outcome.ok) return void this.#ready(slot, outcome.via);
    const reason = explainStartFailure(this.spec.name, slot.spec, outcome.reason);
    this.ctx.emit({ type: 'start-failed', app: this.spec.name, process: slot.spec.name, reason });
    slot.state = 'backoff';
    this.#planned.set(child, reason);
    if (child.pid === undefined) slot.lastExit = { code: null, signal: null, at: this.ctx.now(), reason }; // never spawned: no exit event
    else if (slot.lastExit) slot.lastExit.reason = reason;
    this.#changed();
    await terminateGroup(child, this.spec.shutdown.timeout);
    if (this.#gated) {
      slot.state = 'failed';
      this.#changed();
      return reason;
    }
    if (!signal.aborted) await this.#onFailure(slot, reason);
  }

  #spawn(slot: Slot): ChildProcess | undefined {
    slot.starts += 1;
    slot.claimed = false;
    slot.state = 'starting';
    slot.cpuSample = { ticks: 0, at: Date.now() }; // CPU% needs wall time, whatever clock the caller injected
    this.ctx.emit({ type: 'starting', app: this.spec.name, process: slot.spec.name, attempt: slot.starts });
    const handover = this.ctx.handover;
    let output: ReturnType<typeof openOutputPipe> | undefined;
    try {
      output = handover && openOutputPipe(pipePath(handover.pipeDir, this.spec.name, slot.spec.name));
      const stamp = handover && { owner: handover.owner, digest: specDigest(this.spec) };
      const child = spawnProcess(this.spec, slot.spec, { outputFd: output?.childFd, stamp });
      slot.child = child;
      slot.spawnedAt = this.ctx.now();
      child.on('error', () => undefined); // spawn errors surface through waitReady; never crash the agent
      child.once('exit', (code, sig) => this.#onExit(slot, child, code, sig));
      if (output) this.#read(slot, output.reader);
      else pipeOutput(child, slot.log);
      this.#changed();
      return child;
    } catch (err) {
      output?.reader.destroy();
      const reason = `could not start: ${(err as Error).message}`;
      this.ctx.emit({ type: 'start-failed', app: this.spec.name, process: slot.spec.name, reason });
      slot.state = 'backoff';
      slot.lastExit = { code: null, signal: null, at: this.ctx.now(), reason };
      if (!this.#gated) void this.#onFailure(slot, reason);
      return undefined;
    } finally {
      if (output) closeFd(output.childFd);
    }
  }

  /** The FIFO outlives each process: the new reader takes over whatever the old one had not read yet. */
  #read(slot: Slot, reader: NonNullable<Slot['reader']>): void {
    slot.reader?.destroy();
    slot.reader = reader;
    pipeStream(reader, slot.log);
  }

  #ready(slot: Slot, via: 'ipc' | 'health' | 'alive'): void {
    slot.state = 'running';
    this.ctx.emit({ type: 'ready', app: this.spec.name, process: slot.spec.name, via, ms: this.ctx.now() - (slot.spawnedAt ?? this.ctx.now()) });
    slot.health?.reset(via === 'health');
    if (this.state === 'running') this.#health?.reset(via === 'health');
    this.#changed();
  }

  #onExit(slot: Slot, child: Child, code: number | null, signal: NodeJS.Signals | null): void {
    const planned = this.#planned.get(child);
    const crashed = planned === undefined && slot.child === child && slot.state === 'running' && this.#phase === 'active';
    const exit = child instanceof AdoptedProcess ? ADOPTED_EXIT : describeExit(code, signal);
    const reason = planned ?? (slot.state === 'running' ? exit : explainStartFailure(this.spec.name, slot.spec, `${exit} before ready`));
    slot.lastExit = { code, signal, at: this.ctx.now(), reason };
    this.ctx.emit({ type: 'exit', app: this.spec.name, process: slot.spec.name, code, signal });
    if (crashed) {
      slot.state = 'backoff';
      void this.#onFailure(slot, reason);
    }
    this.#changed();
  }

  /** One failure (a process, or the app's health when `trigger` is undefined): restart per strategy, or give up. */
  async #onFailure(trigger: Slot | undefined, reason: string): Promise<void> {
    if (this.#phase !== 'active' || trigger?.claimed || (trigger && gaveUp(trigger))) return; // a claimed slot is already being restarted
    const attempt = (trigger?.budget ?? this.#budget).take();
    if (attempt === undefined) return trigger?.budget ? this.#failProcess(trigger, reason) : this.#fail(trigger, reason);
    this.#restarts += 1;
    const group = this.#restartGroup(trigger).filter((s) => s === trigger || (!s.claimed && !gaveUp(s) && s.starts > 0));
    for (const slot of group) slot.claimed = true;
    const delayMs = computeBackoff(attempt, this.spec.restart.backoff);
    this.ctx.emit({ type: 'restart-scheduled', app: this.spec.name, process: trigger?.spec.name ?? '*', delayMs, attempt });
    const signal = this.#abort.signal;
    const cause = trigger ? `restarted with ${trigger.spec.name} (${this.spec.restart.strategy})` : 'health check failed';
    await Promise.all([this.#stopSlots(group, cause, 'backoff'), pause(delayMs, signal)]);
    if (signal.aborted) return;
    for (const slot of group) void this.#launch(slot);
  }

  #restartGroup(trigger: Slot | undefined): Slot[] {
    if (!trigger) return this.#slots;
    switch (this.spec.restart.strategy) {
      case 'one_for_one': return [trigger];
      case 'one_for_all': return this.#slots;
      case 'rest_for_one': return this.#slots.slice(trigger.index);
    }
  }

  async #fail(trigger: Slot | undefined, reason: string): Promise<void> {
    this.#phase = 'failing';
    this.#abort.abort();
    this.#stopHealth();
    this.#changed();
    await this.#stopSlots(this.#slots, 'app failed', 'failed');
    if (this.#phase !== 'failing') return; // stopped meanwhile
    this.#phase = 'failed';
    const { maxRestarts, window } = this.spec.restart;
    const why = `${trigger ? `${trigger.spec.name}: ` : ''}${reason}; restart budget spent (${maxRestarts} in ${window} ms)`;
    this.ctx.emit({ type: 'failed', app: this.spec.name, reason: why });
    if (this.spec.critical) this.ctx.emit({ type: 'critical', app: this.spec.name, reason: why });
    this.#changed();
  }

  /** A non-critical process past its own budget stays down; the app runs on without it (or fails, when nothing else is left). */
  async #failProcess(slot: Slot, reason: string): Promise<void> {
    slot.health?.stop();
    slot.gaveUp = true;
    await this.#stopSlots([slot], 'process failed', 'failed');
    slot.state = 'failed';
    const { maxRestarts, window } = this.spec.restart;
    this.ctx.emit({ type: 'process-failed', app: this.spec.name, process: slot.spec.name, reason: `${reason}; restart budget spent (${maxRestarts} in ${window} ms), not critical: the app runs on without it` });
    if (this.#slots.every(gaveUp)) return this.#fail(slot, reason);
    this.#changed();
  }

  #startHealth(): void {
    this.#health?.start();
    for (const slot of this.#slots) { slot.gaveUp = false; slot.health?.start(); }
  }

  #stopHealth(): void {
    this.#health?.stop();
    for (const slot of this.#slots) slot.health?.stop();
  }

  /** SIGTERM each slot's process group, SIGKILL after shutdown.timeout; also reaps what a crashed leader left. */
  async #stopSlots(slots: Slot[], reason: string, after: AppState = 'stopped'): Promise<void> {
    const phase = this.#phase;
    await Promise.all(slots.map(async (slot) => {
      const child = slot.child;
      if (child && livePid(slot) !== undefined) {
        this.#planned.set(child, reason);
        slot.state = 'stopping';
        this.#changed();
      }
      if (child) await terminateGroup(child, this.spec.shutdown.timeout);
      if (slot.child === child && this.#phase === phase) slot.state = after;
    }));
    this.#changed();
  }

  #probeContext(proc?: ProcessSpec): { cwd: string; env: NodeJS.ProcessEnv } {
    return { cwd: this.spec.cwd, env: childEnv(this.spec, proc) };
  }

  #changed(): void {
    const running = this.state === 'running';
    if (running && !this.#wasRunning) this.#runningSince = this.ctx.now();
    if (!running) this.#runningSince = undefined;
    this.#wasRunning = running;
    this.#watchers.wake();
    this.ctx.changed();
  }
}
