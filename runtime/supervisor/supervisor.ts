import { AdoptedProcess } from './adopted-process.js';
import { AppRunner, type Adoptable } from './app-runner.js';
import { terminateGroup } from './process-group.js';
import type { StampedProcess } from './stamped-processes.js';
import { cycleMembers, shutdownBatches, type OrderNode } from './dependency-order.js';
import { logPath } from './slot.js';
import { canRollOut, rollOut } from './rollout.js';
import { specDigest, specEqual } from './spec-equal.js';
import type { AppSpec, SupervisorEvent, SupervisorOptions } from './types.js';
import { Watchers } from './watchers.js';
import type { AppStatus } from '../../contract/agent/status.js';

export { computeBackoff } from './backoff.js';

const DEFAULT_METRICS_INTERVAL_MS = 5_000;
const GIVES_UP: ReadonlySet<string> = new Set(['failed', 'blocked', 'stopped']);
const GAVE_UP: ReadonlySet<string> = new Set(['failed', 'blocked']);

export interface ReconcileResult { started: string[]; stopped: string[]; restarted: string[]; unchanged: string[]; rolledBack: string[] }

/**
 * The node agent's process supervisor: runs every app as child process groups, starts them in
 * dependency order once their dependencies are running, restarts per strategy/intensity/backoff and
 * health, stops in reverse dependency order then shutdown.priority, and reconciles to a new app list.
 */
export class Supervisor {
  readonly #runners = new Map<string, AppRunner>();
  readonly #launches = new WeakMap<AppRunner, number>();
  readonly #watchers = new Watchers();
  /** Apps the latest reconcile rolled back, with why. */
  readonly #rolledBack = new Map<string, NonNullable<AppStatus['rolledBack']>>();
  readonly #now: () => number;
  readonly #emit: (event: SupervisorEvent) => void;
  readonly #metricsInterval: number;
  readonly #handover?: SupervisorOptions['handover'];
  #metricsTimer?: NodeJS.Timeout;
  #sampling = false;
  #serial: Promise<unknown> = Promise.resolve();

  constructor(opts: SupervisorOptions) {
    this.#now = opts.now ?? Date.now;
    this.#emit = (event) => { try { opts.onEvent?.(event); } catch { /* a listener must not break supervision */ } };
    this.#metricsInterval = opts.metricsInterval ?? DEFAULT_METRICS_INTERVAL_MS;
    this.#handover = opts.handover;
    assertUniqueNames(opts.apps);
    for (const app of opts.apps) this.#runners.set(app.name, this.#newRunner(app));
  }

  /**
   * Starts everything in dependency order; resolves when every app is running, failed or blocked.
   * `adopt`: processes an earlier agent left running. An app whose every process is there, started
   * from the same spec, is supervised again without a restart; any other leftover is stopped first,
   * so nothing old holds a port the new start needs.
   */
  async start(opts: { adopt?: StampedProcess[] } = {}): Promise<void> {
    const adopted = this.#adoptable(opts.adopt ?? []);
    const leftovers = (opts.adopt ?? []).filter((p) => adopted.get(p.app)?.get(p.process)?.pid !== p.pid);
    await Promise.all(leftovers.map((p) => terminateGroup(new AdoptedProcess(p.pid, p.startTime), this.#runners.get(p.app)?.spec.shutdown.timeout ?? 10_000)));
    for (const [app, found] of adopted) this.#runners.get(app)!.adopt(found);
    this.#startMetrics();
    await Promise.all([...this.#runners.values()].filter((r) => !adopted.has(r.spec.name)).map((r) => this.#launch(r)));
  }

  /** Lets every process run on unsupervised, for the next agent to adopt (see `start`). */
  async detach(): Promise<void> {
    clearInterval(this.#metricsTimer);
    this.#metricsTimer = undefined;
    await Promise.all([...this.#runners.values()].map((r) => r.detach()));
  }

  #adoptable(found: StampedProcess[]): Map<string, Map<string, Adoptable>> {
    const result = new Map<string, Map<string, Adoptable>>();
    for (const runner of this.#runners.values()) {
      const digest = specDigest(runner.spec);
      const mine = found.filter((p) => p.app === runner.spec.name && p.digest === digest);
      const byProcess = new Map(mine.map((p) => [p.process, { pid: p.pid, startTime: p.startTime }]));
      if (runner.spec.processes.every((p) => byProcess.has(p.name)) && byProcess.size === runner.spec.processes.length) result.set(runner.spec.name, byProcess);
    }
    return result;
  }

  /** New apps start, removed apps stop, changed specs and failed or blocked apps restart (deep equality), the rest is untouched. */
  reconcile(apps: AppSpec[]): Promise<ReconcileResult> {
    return this.#serialized(() => this.#reconcile(apps));
  }

  /** Manual restart: graceful stop, fresh restart budget, start again once dependencies are running. */
  restart(app: string): Promise<void> {
    return this.#serialized(async () => {
      const runner = this.#runner(app);
      await runner.stop({ quiet: true, then: 'pending' });
      await this.#launch(runner);
    });
  }

  /** Reverse dependency order, then shutdown.priority (lower first): SIGTERM, shutdown.timeout, SIGKILL. */
  async stop(): Promise<void> {
    clearInterval(this.#metricsTimer);
    this.#metricsTimer = undefined;
    const runners = [...this.#runners.values()];
    await this.#stopInOrder(runners, new Set());
    await Promise.all(runners.map((r) => r.dispose()));
  }

  status(): AppStatus[] {
    return [...this.#runners.values()].map((r) => {
      const rolledBack = this.#rolledBack.get(r.spec.name);
      return rolledBack ? { ...r.status(), rolledBack } : r.status();
    });
  }

  logFile(app: string, process?: string): string {
    const spec = this.#runner(app).spec;
    const name = process ?? spec.processes[0]?.name;
    if (!name || !spec.processes.some((p) => p.name === name)) throw new Error(`app "${app}" has no process "${process ?? ''}"`);
    return logPath(spec, name);
  }

  async #reconcile(apps: AppSpec[]): Promise<ReconcileResult> {
    assertUniqueNames(apps);
    const result: ReconcileResult = { started: [], stopped: [], restarted: [], unchanged: [], rolledBack: [] };
    this.#rolledBack.clear();
    const rolling: Array<[AppRunner, AppRunner]> = [];
    const wanted = new Set(apps.map((a) => a.name));
    const removed = [...this.#runners.values()].filter((r) => !wanted.has(r.spec.name));
    const replaced = new Set<AppRunner>();
    const fresh: AppRunner[] = [];
    for (const app of apps) {
      const current = this.#runners.get(app.name);
      // A failed or blocked app does not match a manifest that asks for it to run: a reload gives it another start.
      if (current && specEqual(current.spec, app) && !GAVE_UP.has(current.state)) { result.unchanged.push(app.name); continue; }
      (current ? result.restarted : result.started).push(app.name);
      if (current && current.state === 'running' && canRollOut(current.spec, app)) {
        rolling.push([current, this.#newRunner(app, current)]);
        continue;
      }
      if (current) replaced.add(current);
      const runner = this.#newRunner(app);
      fresh.push(runner);
      this.#runners.set(app.name, runner); // before the old one stops, so dependents wait instead of blocking
    }
    await this.#stopInOrder([...removed, ...replaced], replaced);
    for (const runner of removed) this.#runners.delete(runner.spec.name);
    await Promise.all([...removed, ...replaced].map((r) => r.dispose()));
    result.stopped = removed.map((r) => r.spec.name);
    this.#watchers.wake();
    this.#startMetrics();
    // Rollouts first: a rolling app stops being `running` at once, so a new app depending on it waits for its new release.
    await Promise.all([...rolling.map(([previous, next]) => this.#rollOut(previous, next, result)), ...fresh.map((r) => this.#launch(r))]);
    return result;
  }

  /** A running app's new release, step by step; one not ready in time leaves the previous release running (see rollout.ts). */
  async #rollOut(previous: AppRunner, next: AppRunner, result: ReconcileResult): Promise<void> {
    const outcome = await rollOut(previous, next);
    const name = next.spec.name;
    if (outcome.ok) {
      this.#runners.set(name, next);
      await previous.dispose();
    } else {
      await next.dispose();
      this.#rolledBack.set(name, { reason: outcome.reason, at: this.#now(), runs: previous.spec.cwd, failed: next.spec.cwd, ...revisions(previous.spec, next.spec) });
      result.rolledBack.push(name);
      this.#emit({ type: 'rolled-back', app: name, reason: outcome.reason });
    }
    this.#watchers.wake();
  }

  async #launch(runner: AppRunner): Promise<void> {
    const launch = (this.#launches.get(runner) ?? 0) + 1;
    this.#launches.set(runner, launch);
    const blocker = await this.#waitForDependencies(runner);
    if (this.#launches.get(runner) !== launch || runner.state !== 'pending' || this.#runners.get(runner.spec.name) !== runner) return;
    if (blocker !== undefined) return runner.block(blocker);
    await runner.start();
  }

  /** Resolves undefined once every dependency runs, or the name of the one that will never run. */
  async #waitForDependencies(runner: AppRunner): Promise<string | undefined> {
    const cycle = cycleMembers([...this.#runners.values()].map(orderNode)).get(runner.spec.name);
    if (cycle !== undefined) return cycle;
    let blocker: string | undefined;
    await this.#watchers.until(() => {
      if (runner.state !== 'pending') return true;
      blocker = runner.spec.dependsOn.find((dep) => {
        const state = this.#runners.get(dep)?.state;
        return state === undefined || GIVES_UP.has(state);
      });
      return blocker !== undefined || runner.spec.dependsOn.every((dep) => this.#runners.get(dep)?.state === 'running');
    });
    return blocker;
  }

  async #stopInOrder(runners: AppRunner[], quiet: ReadonlySet<AppRunner>): Promise<void> {
    const byName = new Map(runners.map((r) => [r.spec.name, r]));
    for (const batch of shutdownBatches(runners.map(orderNode))) {
      await Promise.all(batch.map((name) => byName.get(name)!).map((r) => r.stop({ quiet: quiet.has(r) })));
    }
  }

  #newRunner(app: AppSpec, previous?: AppRunner): AppRunner {
    return new AppRunner(app, { now: this.#now, emit: this.#emit, changed: () => this.#watchers.wake(), ...(this.#handover ? { handover: this.#handover } : {}), ...(previous ? { previous } : {}) });
  }

  #runner(app: string): AppRunner {
    const runner = this.#runners.get(app);
    if (!runner) throw new Error(`unknown app "${app}"`);
    return runner;
  }

  #startMetrics(): void {
    if (this.#metricsTimer || this.#metricsInterval <= 0) return;
    this.#metricsTimer = setInterval(() => void this.#sampleMetrics(), this.#metricsInterval);
    this.#metricsTimer.unref();
  }

  async #sampleMetrics(): Promise<void> {
    if (this.#sampling) return;
    this.#sampling = true;
    try {
      await Promise.all([...this.#runners.values()].map((r) => r.sampleMetrics()));
    } finally {
      this.#sampling = false;
    }
  }

  #serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#serial.then(task, task);
    this.#serial = run.catch(() => undefined);
    return run;
  }
}

function orderNode(runner: AppRunner): OrderNode {
  return { name: runner.spec.name, dependsOn: runner.spec.dependsOn, priority: runner.spec.shutdown.priority };
}

function revisions(previous: AppSpec, next: AppSpec): { from?: string; to?: string } {
  const from = next.env.OMNITRON_APP_REVISION;
  const to = previous.env.OMNITRON_APP_REVISION;
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

function assertUniqueNames(apps: AppSpec[]): void {
  const seen = new Set<string>();
  for (const app of apps) {
    if (seen.has(app.name)) throw new Error(`app "${app.name}" is listed twice`);
    seen.add(app.name);
  }
}
