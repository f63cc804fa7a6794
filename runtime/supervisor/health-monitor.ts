import { probeHealth, type ProbeContext } from './health-probe.js';
import type { HealthSpec } from './types.js';

/**
 * One missed probe on a busy machine is not an unhealthy app (Docker too reports unhealthy only after
 * `retries` misses): status reads `failing` from this many misses in a row.
 */
export const FAILING_AFTER = 2;

export interface HealthHooks {
  /** Probes only count while the app is running (not while it starts, backs off or stops). */
  active(): boolean;
  failed(consecutive: number, reason: string): void;
  /** failureThreshold consecutive failures: the app must be restarted. */
  exhausted(reason: string): void;
}

/** Periodic health probe of a running app: every `interval`, each bounded by `timeout`. */
export class HealthMonitor {
  health: 'ok' | 'failing' | 'unknown' = 'unknown';
  #failures = 0;
  #timer?: NodeJS.Timeout;
  #generation = 0;

  constructor(private readonly spec: HealthSpec, private readonly ctx: ProbeContext, private readonly hooks: HealthHooks) {}

  start(): void {
    this.stop();
    const generation = ++this.#generation;
    const tick = async (): Promise<void> => {
      if (this.hooks.active()) await this.#probe(generation);
      if (generation === this.#generation) this.#timer = setTimeout(tick, this.spec.interval);
    };
    this.#timer = setTimeout(tick, this.spec.interval);
  }

  stop(): void {
    this.#generation += 1;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** A fresh start: forget earlier failures; `healthy` when readiness itself came from a passing probe. */
  reset(healthy: boolean): void {
    this.#failures = 0;
    this.health = healthy ? 'ok' : 'unknown';
  }

  async #probe(generation: number): Promise<void> {
    const result = await probeHealth(this.spec, this.ctx);
    if (generation !== this.#generation || !this.hooks.active()) return;
    if (result.ok) { this.#failures = 0; this.health = 'ok'; return; }
    this.#failures += 1;
    if (this.#failures >= FAILING_AFTER) this.health = 'failing';
    this.hooks.failed(this.#failures, result.reason);
    if (this.#failures < this.spec.failureThreshold) return;
    this.#failures = 0;
    this.hooks.exhausted(`health check failed ${this.spec.failureThreshold} times in a row: ${result.reason}`);
  }
}
