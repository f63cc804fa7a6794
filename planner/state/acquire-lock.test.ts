import { describe, expect, it } from 'vitest';
import { type AcquiredLock, type LockInfo, type StateBackend, LockHeldError, formatDuration } from './backend.js';
import { acquireLock } from './acquire-lock.js';

const holder: LockInfo = { id: 'l-1', holder: 'ci@runner', host: 'runner', pid: 77, operation: 'apply', createdAt: new Date().toISOString() };

/** A backend whose lock is held for the first `busy` attempts. */
function busyFor(busy: number): StateBackend & { attempts: number } {
  const backend = {
    attempts: 0,
    async lock(): Promise<AcquiredLock> {
      backend.attempts++;
      if (backend.attempts <= busy) throw new LockHeldError('dev', holder);
      return { ...holder, id: 'mine', holder: 'me@here' };
    },
  };
  return backend as unknown as StateBackend & { attempts: number };
}

describe('acquireLock', () => {
  it('without a wait, a held lock fails at once naming the holder and suggesting --lock-wait', async () => {
    const backend = busyFor(1);
    const failure = await acquireLock(backend, { operation: 'apply' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LockHeldError);
    expect(String((failure as Error).message)).toContain('locked by ci@runner (pid 77) running "apply"');
    expect(String((failure as Error).message)).toContain('add --lock-wait 5m');
    expect(backend.attempts).toBe(1);
  });

  it('with a wait, retries until the holder lets go, reporting who it waits for', async () => {
    const backend = busyFor(3);
    const reports: Array<[string, number]> = [];
    const lock = await acquireLock(backend, { operation: 'apply' }, { waitMs: 60_000, retryMs: 1, reportEveryMs: 0, onWaiting: (held, waited) => reports.push([held.holder, waited]) });
    expect(lock.id).toBe('mine');
    expect(backend.attempts).toBe(4);
    expect(reports.map(([who]) => who)).toEqual(['ci@runner', 'ci@runner', 'ci@runner']);
  });

  it('gives up when the wait is over, saying how long it waited', async () => {
    const backend = busyFor(Infinity);
    const failure = await acquireLock(backend, { operation: 'apply' }, { waitMs: 30, retryMs: 5 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LockHeldError);
    expect(String((failure as Error).message)).toMatch(/waited \d+ms for it; lock id l-1\)/);
    expect(String((failure as Error).message)).not.toContain('add --lock-wait');
  });

  it('passes other errors through at once', async () => {
    const backend = { lock: async () => { throw new Error('database down'); } } as unknown as StateBackend;
    await expect(acquireLock(backend, { operation: 'apply' }, { waitMs: 60_000 })).rejects.toThrow('database down');
  });
});

describe('formatDuration', () => {
  it('reads like a person would say it', () => {
    expect([850, 12_000, 252_000, 3 * 3_600_000 + 5 * 60_000, 2 * 86_400_000 + 4 * 3_600_000].map(formatDuration)).toEqual(['850ms', '12s', '4m12s', '3h05m', '2d04h']);
  });
});
