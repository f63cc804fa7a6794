/**
 * The behaviour every StateBackend must show, as vitest tests. A backend's test file calls
 * `describeBackendConformance('file', setup)`; the Postgres backend will run the same suite.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../planner/diagnostics.js';
import { LockHeldError, type StateBackend } from '../../../planner/state/backend.js';

export interface BackendFixture {
  /** A backend on a fresh, empty store. */
  backend: StateBackend;
  /** Another handle on the same store, as a second process would open it. */
  reopen(): StateBackend;
  cleanup(): Promise<void>;
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array | null): string | null => (data === null ? null : new TextDecoder().decode(data));

export function describeBackendConformance(name: string, setup: () => Promise<BackendFixture>): void {
  describe(`state backend conformance: ${name}`, () => {
    let fixture: BackendFixture;
    beforeEach(async () => { fixture = await setup(); });
    afterEach(async () => { await fixture.cleanup(); });

    describeStorage(() => fixture);
    describeLocking(() => fixture);
  });
}

function describeStorage(current: () => BackendFixture): void {
  it('get on an empty store returns null', async () => {
    expect(await current().backend.get()).toBeNull();
  });

  it('put then get round-trips the exact bytes, also through another handle', async () => {
    const data = bytes('{"serial":1,"emoji":"\u{1F510}"}\n');
    await current().backend.put(data);
    expect(text(await current().backend.get())).toBe(text(data));
    expect(text(await current().reopen().get())).toBe(text(data));
  });

  it('put overwrites the previous value', async () => {
    await current().backend.put(bytes('first, and longer than the second'));
    await current().backend.put(bytes('second'));
    expect(text(await current().backend.get())).toBe('second');
  });

  it('delete makes get return null, and deleting nothing is fine', async () => {
    await current().backend.put(bytes('x'));
    await current().backend.delete();
    expect(await current().backend.get()).toBeNull();
    await current().backend.delete();
  });

  it('describe names where the state lives', () => {
    expect(current().backend.describe().length).toBeGreaterThan(0);
  });
}

function describeLocking(current: () => BackendFixture): void {
  it('lock returns who holds it; readLock shows it; unlock clears it', async () => {
    const { backend } = current();
    expect(await backend.readLock()).toBeNull();
    const lock = await backend.lock({ operation: 'apply' });
    expect(lock).toMatchObject({ pid: process.pid, operation: 'apply' });
    expect(lock.holder).toContain(`@${lock.host}`);
    expect(Number.isNaN(Date.parse(lock.createdAt))).toBe(false);
    expect(lock.takenOver).toBeUndefined();
    expect(await current().reopen().readLock()).toMatchObject({ id: lock.id, holder: lock.holder, operation: 'apply' });
    await backend.unlock(lock.id);
    expect(await backend.readLock()).toBeNull();
    const again = await backend.lock({ operation: 'destroy' });
    expect(again.id).not.toBe(lock.id);
  });

  it('a second lock fails at once with LockHeldError naming holder, host, pid, operation, time and id', async () => {
    const lock = await current().backend.lock({ operation: 'apply' });
    const failure = await current().reopen().lock({ operation: 'destroy' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LockHeldError);
    expect(failure).toBeInstanceOf(UserError);
    const message = (failure as Error).message;
    for (const part of [lock.holder, lock.host, `pid ${lock.pid}`, '"apply"', lock.createdAt, lock.id, `force-unlock ${lock.id}`]) {
      expect(message).toContain(part);
    }
    expect((failure as LockHeldError).lock.id).toBe(lock.id);
  });

  it('of many simultaneous lock attempts exactly one wins', async () => {
    const attempts = Array.from({ length: 8 }, () => current().reopen().lock({ operation: 'apply' }));
    const results = await Promise.allSettled(attempts);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(LockHeldError);
  });

  it('unlock with an id that is not the current lock fails and keeps the lock', async () => {
    const lock = await current().backend.lock({ operation: 'apply' });
    await expect(current().backend.unlock('not-the-lock')).rejects.toBeInstanceOf(UserError);
    expect((await current().backend.readLock())?.id).toBe(lock.id);
  });

  it('forceUnlock with the wrong id fails; with the right id it clears the lock', async () => {
    const lock = await current().backend.lock({ operation: 'apply' });
    const other = current().reopen();
    await expect(other.forceUnlock('0000')).rejects.toThrow(/does not match/);
    expect((await other.readLock())?.id).toBe(lock.id);
    await other.forceUnlock(lock.id);
    expect(await other.readLock()).toBeNull();
    await expect(other.lock({ operation: 'apply' })).resolves.toMatchObject({ operation: 'apply' });
  });

  it('forceUnlock when nothing is locked says so', async () => {
    await expect(current().backend.forceUnlock('abc')).rejects.toThrow(/not locked/);
  });

  it('the lock does not touch the stored state', async () => {
    await current().backend.put(bytes('kept'));
    const lock = await current().backend.lock({ operation: 'apply' });
    await current().backend.unlock(lock.id);
    expect(text(await current().backend.get())).toBe('kept');
  });
}
