/**
 * The heartbeat schedule: one beat now, then one every interval; each beat tries `maxRetries` times,
 * waiting retryDelay × 2^(attempt−1) between attempts, then logs and waits for the next tick. Beats
 * never overlap: a tick during a beat is skipped, a change during a beat runs one more beat after it.
 */
import { errorText, type DiscoveryLog } from './log.js';

export interface HeartbeatLoopOptions {
  interval: number;
  maxRetries: number;
  retryDelay: number;
  /** One attempt's time limit, so a hung connection cannot stall the schedule. */
  attemptTimeout: number;
  /** Sends one heartbeat; rejects on failure. */
  beat: () => Promise<void>;
  log: DiscoveryLog;
}

export function retryDelayFor(attempt: number, retryDelay: number): number {
  return retryDelay * 2 ** (attempt - 1);
}

export class HeartbeatLoop {
  #timer: NodeJS.Timeout | undefined;
  #inflight: Promise<boolean> | undefined;
  #again = false;
  #failing = false;
  #stop = new AbortController();

  constructor(readonly options: HeartbeatLoopOptions) {}

  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Beats once (resolving true when it succeeded), then keeps beating every interval. */
  start(): Promise<boolean> {
    if (this.#stop.signal.aborted) this.#stop = new AbortController();
    this.#timer ??= setInterval(() => { void this.#beat(false); }, this.options.interval);
    return this.#beat(true);
  }

  /** An immediate beat carrying changed data; resolves once a beat started after this call has finished. */
  trigger(): Promise<boolean> {
    return this.#beat(true);
  }

  /** Stops the schedule, cuts retry waits short and waits for a beat in flight. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stop.abort();
    await this.#inflight;
  }

  #beat(changed: boolean): Promise<boolean> {
    if (this.#inflight) {
      if (changed) this.#again = true;
      return this.#inflight;
    }
    this.#inflight = this.#beatUntilCurrent().finally(() => { this.#inflight = undefined; });
    return this.#inflight;
  }

  async #beatUntilCurrent(): Promise<boolean> {
    let ok: boolean;
    do {
      this.#again = false;
      ok = await this.#attempts();
    } while (this.#again && !this.#stop.signal.aborted);
    return ok;
  }

  async #attempts(): Promise<boolean> {
    const { maxRetries, retryDelay, log } = this.options;
    for (let attempt = 1; attempt <= maxRetries && !this.#stop.signal.aborted; attempt++) {
      try {
        await this.#attempt();
        if (this.#failing) log({ level: 'info', msg: 'heartbeat recovered', attempt });
        this.#failing = false;
        return true;
      } catch (err) {
        this.#failing = true;
        const last = attempt === maxRetries;
        const delayMs = last ? undefined : retryDelayFor(attempt, retryDelay);
        log({ level: 'warn', msg: last ? 'heartbeat failed; next try at the next interval' : 'heartbeat failed; retrying', attempt, maxRetries, delayMs, error: errorText(err) });
        if (delayMs !== undefined && !(await this.#wait(delayMs))) return false;
      }
    }
    return false;
  }

  #attempt(): Promise<void> {
    const { promise, reject } = Promise.withResolvers<never>();
    const timer = setTimeout(() => reject(new Error(`no answer within ${this.options.attemptTimeout} ms`)), this.options.attemptTimeout);
    return Promise.race([this.options.beat(), promise]).finally(() => clearTimeout(timer));
  }

  /** False when stopped while waiting. */
  #wait(ms: number): Promise<boolean> {
    const signal = this.#stop.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok: boolean) => { clearTimeout(timer); signal.removeEventListener('abort', aborted); resolve(ok); };
      const aborted = () => done(false);
      const timer = setTimeout(() => done(true), ms);
      signal.addEventListener('abort', aborted);
    });
  }
}
