import type { BackoffSpec } from './types.js';

/**
 * Delay before the `attempt`-th restart inside the current window (attempt ≥ 1):
 * exponential initial·factor^(n−1), linear initial + factor·(n−1)·initial, fixed initial; clamped to [0, max].
 */
export function computeBackoff(attempt: number, spec: BackoffSpec): number {
  const n = Math.max(1, Math.floor(attempt));
  const raw = rawDelay(n, spec);
  if (Number.isNaN(raw)) return 0;
  return Math.min(Math.max(raw, 0), Math.max(spec.max, 0));
}

function rawDelay(n: number, spec: BackoffSpec): number {
  switch (spec.type) {
    case 'fixed': return spec.initial;
    case 'linear': return spec.initial + spec.factor * (n - 1) * spec.initial;
    case 'exponential': return spec.initial * spec.factor ** (n - 1);
  }
}
