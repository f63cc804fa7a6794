/**
 * Taking a stack's lock, for every command that writes state: at once, or (`--lock-wait 5m`) retrying
 * until the holder releases it or the wait is over, reporting who it waits for as it goes. Works the
 * same over every backend, since it only calls `lock`.
 */
import { type AcquiredLock, type LockInfo, type LockRequest, type StateBackend, LockHeldError } from './backend.js';

export interface LockWait {
  /** How long to keep trying; 0 fails at once. */
  waitMs: number;
  /** Called when the lock is first found held, then about every `reportEveryMs`, with who holds it. */
  onWaiting?(held: LockInfo, waitedMs: number): void;
  reportEveryMs?: number;
  /** How long between attempts (default 1 s). */
  retryMs?: number;
  signal?: AbortSignal;
}

export async function acquireLock(backend: StateBackend, request: LockRequest, wait: LockWait = { waitMs: 0 }): Promise<AcquiredLock> {
  const started = Date.now();
  const reportEvery = wait.reportEveryMs ?? 10_000;
  let reported = -Infinity;
  for (;;) {
    try {
      return await backend.lock(request);
    } catch (e) {
      if (!(e instanceof LockHeldError)) throw e;
      const waited = Date.now() - started;
      if (wait.waitMs <= 0) throw e;
      if (waited >= wait.waitMs || wait.signal?.aborted) throw new LockHeldError(e.stackName, e.lock, waited);
      if (waited - reported >= reportEvery) {
        reported = waited;
        wait.onWaiting?.(e.lock, waited);
      }
      await pause(Math.min(wait.retryMs ?? 1_000, wait.waitMs - waited), wait.signal);
    }
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(finish, ms);
    signal?.addEventListener('abort', finish, { once: true });
    function finish() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      done();
    }
  });
}
