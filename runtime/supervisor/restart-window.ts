/**
 * Restart intensity as a sliding window of restart timestamps: at most `maxRestarts` restarts within
 * `windowMs`. `take()` records one and returns its attempt number inside the window (1-based, the
 * input to computeBackoff), or undefined when the budget is spent. maxRestarts 0 means never restart.
 */
export class RestartWindow {
  #stamps: number[] = [];

  constructor(private readonly maxRestarts: number, private readonly windowMs: number, private readonly now: () => number) {}

  recent(): number {
    const horizon = this.now() - this.windowMs;
    this.#stamps = this.#stamps.filter((at) => at > horizon);
    return this.#stamps.length;
  }

  take(): number | undefined {
    if (this.recent() >= this.maxRestarts) return undefined;
    this.#stamps.push(this.now());
    return this.#stamps.length;
  }

  reset(): void {
    this.#stamps = [];
  }
}
