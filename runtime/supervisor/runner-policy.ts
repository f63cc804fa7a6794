/** Small policies of AppRunner: the pause between restarts, a process's start deadline, and the app's overall health. */
import type { HealthMonitor } from './health-monitor.js';
import type { Slot } from './slot.js';
import { DEFAULT_STARTUP_TIMEOUT_MS, type AppSpec, type ProcessSpec } from './types.js';
import type { AppStatus } from '../../contract/agent/status.js';

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The process's own startupTimeout, else the app's, else the default. */
export function startupTimeoutOf(spec: AppSpec, proc: ProcessSpec): number {
  const ms = proc.startupTimeout ?? spec.startupTimeout;
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_STARTUP_TIMEOUT_MS;
}

/** A non-critical process past its own restart budget. */
export function gaveUp(slot: Slot): boolean {
  return slot.gaveUp === true;
}

/** Failing when any check fails, ok when every check has passed, otherwise unknown. */
export function overallHealth(monitors: Array<HealthMonitor | undefined>): AppStatus['health'] {
  const states = monitors.filter((m): m is HealthMonitor => m !== undefined).map((m) => m.health);
  if (states.includes('failing')) return 'failing';
  return states.length > 0 && states.every((h) => h === 'ok') ? 'ok' : 'unknown';
}
