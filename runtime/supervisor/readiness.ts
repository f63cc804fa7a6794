import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { probeHealth, type ProbeContext } from './health-probe.js';
import type { HealthSpec } from './types.js';

export const ALIVE_READY_MS = 500;
const HEALTH_POLL_MAX_MS = 250;

export type ReadyOutcome = { ok: true; via: 'ipc' | 'health' | 'alive' } | { ok: false; reason: string };

export interface ReadinessOptions { ipc: boolean; health?: HealthSpec; probe: ProbeContext; timeoutMs: number; signal: AbortSignal }

export function describeExit(code: number | null, signal: string | null): string {
  return signal ? `killed by ${signal}` : `exited with code ${code}`;
}

/**
 * Ready = `{type:'ready'}` over IPC or a passing health probe (whichever is configured comes first);
 * with neither, staying alive ALIVE_READY_MS. Fails on exit, spawn error, abort or startupTimeout.
 */
export function waitReady(child: ChildProcess, opts: ReadinessOptions): Promise<ReadyOutcome> {
  return new Promise((resolve) => {
    const cleanups: Array<() => void> = [];
    let done = false;
    const finish = (outcome: ReadyOutcome): void => {
      if (done) return;
      done = true;
      for (const cleanup of cleanups) cleanup();
      resolve(outcome);
    };
    const listen = (event: string, fn: (...args: any[]) => void): void => { child.on(event, fn); cleanups.push(() => child.off(event, fn)); };
    const after = (ms: number, fn: () => void): void => { const t = setTimeout(fn, ms); cleanups.push(() => clearTimeout(t)); };
    listen('exit', (code: number | null, signal: string | null) => finish({ ok: false, reason: `${describeExit(code, signal)} before ready` }));
    listen('error', (err: Error) => finish({ ok: false, reason: `could not start: ${err.message}` }));
    if (opts.ipc) listen('message', (message: unknown) => { if (isReadyMessage(message)) finish({ ok: true, via: 'ipc' }); });
    let lastAnswer: string | undefined;
    if (opts.health) void pollHealth(opts.health, opts.probe, () => done, () => finish({ ok: true, via: 'health' }), (answer) => { lastAnswer = answer; });
    if (!opts.ipc && !opts.health) after(ALIVE_READY_MS, () => finish({ ok: true, via: 'alive' }));
    after(opts.timeoutMs, () => finish({ ok: false, reason: `not ready within ${opts.timeoutMs} ms${lastAnswer ? ` (last health answer: ${lastAnswer})` : ''}` }));
    const onAbort = (): void => finish({ ok: false, reason: 'aborted' });
    opts.signal.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => opts.signal.removeEventListener('abort', onAbort));
    if (opts.signal.aborted) onAbort();
  });
}

export function isReadyMessage(message: unknown): boolean {
  return message === 'ready' || (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready');
}

async function pollHealth(spec: HealthSpec, ctx: ProbeContext, finished: () => boolean, onHealthy: () => void, onAnswer: (reason: string) => void): Promise<void> {
  const pause = Math.max(10, Math.min(spec.interval, HEALTH_POLL_MAX_MS));
  while (!finished()) {
    const result = await probeHealth(spec, ctx);
    if (finished()) return;
    if (result.ok) return onHealthy();
    onAnswer(result.reason);
    await sleep(pause);
  }
}
