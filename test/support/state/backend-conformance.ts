/**
 * The behaviour every StateBackend must show, as vitest tests: storage (document, journal, history,
 * stale writes), locking, fencing and migration. A backend's test file calls
 * `describeBackendConformance('file', setup)`; the file and Postgres backends run the same suite.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../planner/diagnostics.js';
import { LockHeldError, LockLostError, StaleStateError, type StateBackend, type WriteVersion } from '../../../planner/state/backend.js';
import { loadStateKey } from '../../../planner/state/encryption.js';
import { migrateState } from '../../../planner/state/migrate.js';
import { StateStore } from '../../../planner/state/state-store.js';
import type { StateRecord } from '../../../planner/resource.js';

export interface BackendFixture {
  /** A backend on a fresh, empty store for project `conformance`, stack `dev`. */
  backend: StateBackend;
  /** Another handle on the same store, as a second process would open it. */
  reopen(): StateBackend;
  /** A backend for the same project and stack in another, empty place (a migration target). */
  elsewhere(): Promise<StateBackend>;
  cleanup(): Promise<void>;
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array | null | undefined): string | null => (data == null ? null : new TextDecoder().decode(data));
const lineage = randomUUID();
const v = (serial: number, previous: number, extra: Partial<WriteVersion> = {}): WriteVersion => ({ lineage, serial, previous, ...extra });

export function describeBackendConformance(name: string, setup: () => Promise<BackendFixture>): void {
  describe(`state backend conformance: ${name}`, () => {
    let fixture: BackendFixture;
    const opened: StateBackend[] = [];
    const current = (): BackendFixture => ({
      ...fixture,
      reopen: () => { const b = fixture.reopen(); opened.push(b); return b; },
      elsewhere: async () => { const b = await fixture.elsewhere(); opened.push(b); return b; },
    });
    beforeEach(async () => { fixture = await setup(); opened.push(fixture.backend); });
    afterEach(async () => {
      for (const b of opened.splice(0)) await b.close();
      await fixture.cleanup();
    });

    describeStorage(current);
    describeHistory(current);
    describeLocking(current);
    describeFencing(current);
    describeStoreAndMigration(current);
  });
}

function describeStorage(current: () => BackendFixture): void {
  it('read on an empty store returns null', async () => {
    expect(await current().backend.read()).toBeNull();
  });

  it('put then read round-trips the exact bytes with an empty journal, also through another handle', async () => {
    const data = bytes('{"serial":1,"emoji":"\u{1F510}"}\n');
    await current().backend.put(data, v(1, 0));
    expect(text((await current().backend.read())?.document)).toBe(text(data));
    const other = await current().reopen().read();
    expect(text(other?.document)).toBe(text(data));
    expect(other?.journal).toEqual([]);
  });

  it('appended entries come back after the document, in order, through another handle', async () => {
    await current().backend.put(bytes('doc'), v(1, 0));
    for (let serial = 2; serial <= 5; serial++) await current().backend.append(bytes(`entry ${serial}`), v(serial, serial - 1));
    const stored = await current().reopen().read();
    expect(text(stored?.document)).toBe('doc');
    expect(stored?.journal.map(text)).toEqual(['entry 2', 'entry 3', 'entry 4', 'entry 5']);
  });

  it('put replaces the document and drops the journal', async () => {
    await current().backend.put(bytes('first, and longer than the second'), v(1, 0));
    await current().backend.append(bytes('entry'), v(2, 1));
    await current().backend.put(bytes('second'), v(3, 2));
    const stored = await current().backend.read();
    expect(text(stored?.document)).toBe('second');
    expect(stored?.journal).toEqual([]);
  });

  it('a write naming a serial the store no longer holds is refused with StaleStateError and changes nothing', async () => {
    await current().backend.put(bytes('one'), v(1, 0));
    await current().backend.append(bytes('two'), v(2, 1));
    await expect(current().backend.append(bytes('stale'), v(2, 1))).rejects.toBeInstanceOf(StaleStateError);
    await expect(current().backend.put(bytes('stale'), v(2, 1))).rejects.toBeInstanceOf(StaleStateError);
    const stored = await current().backend.read();
    expect(text(stored?.document)).toBe('one');
    expect(stored?.journal.map(text)).toEqual(['two']);
  });

  it('delete makes read return null, and deleting nothing is fine', async () => {
    await current().backend.put(bytes('x'), v(1, 0));
    await current().backend.append(bytes('y'), v(2, 1));
    await current().backend.delete();
    expect(await current().backend.read()).toBeNull();
    expect(await current().reopen().read()).toBeNull();
    await current().backend.delete();
  });

  it('describe names where the state lives', () => {
    expect(current().backend.describe().length).toBeGreaterThan(0);
  });
}

function describeHistory(current: () => BackendFixture): void {
  it('keeps every whole document in its history, with serial, lineage, size and time', async () => {
    const { backend } = current();
    expect(await backend.history()).toEqual([]);
    await backend.put(bytes('v1'), v(1, 0, { writtenAt: '2026-01-02T03:04:05.000Z' }));
    await backend.append(bytes('entry'), v(2, 1));
    await backend.put(bytes('version 3'), v(3, 2));
    const history = await current().reopen().history();
    expect(history.map((h) => [h.serial, h.lineage, h.bytes])).toEqual([[1, lineage, 2], [3, lineage, 9]]);
    expect(history[0].writtenAt).toBe('2026-01-02T03:04:05.000Z');
    expect(Number.isNaN(Date.parse(history[1].writtenAt))).toBe(false);
    expect(text(await backend.readVersion(1))).toBe('v1');
    expect(text(await backend.readVersion(3))).toBe('version 3');
    expect(await backend.readVersion(2)).toBeNull();
  });

  it('history survives delete', async () => {
    await current().backend.put(bytes('kept'), v(1, 0));
    await current().backend.delete();
    expect((await current().backend.history()).map((h) => h.serial)).toEqual([1]);
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

  it('a second lock fails at once with LockHeldError naming holder, host, pid, operation, time, age and id', async () => {
    const lock = await current().backend.lock({ operation: 'apply' });
    const failure = await current().reopen().lock({ operation: 'destroy' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LockHeldError);
    expect(failure).toBeInstanceOf(UserError);
    const message = (failure as Error).message;
    for (const part of [lock.holder, lock.host, `pid ${lock.pid}`, '"apply"', lock.createdAt, 'held ', lock.id, `force-unlock ${lock.id}`]) {
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
    await current().backend.put(bytes('kept'), v(1, 0));
    const lock = await current().backend.lock({ operation: 'apply' });
    await current().backend.unlock(lock.id);
    expect(text((await current().backend.read())?.document)).toBe('kept');
  });
}

function describeFencing(current: () => BackendFixture): void {
  it('a holder whose lock was taken away stops before its next write (LockLostError), and writes nothing', async () => {
    const { backend } = current();
    await backend.put(bytes('before'), v(1, 0));
    const lock = await backend.lock({ operation: 'apply' });
    const other = current().reopen();
    await other.forceUnlock(lock.id);
    const taken = await other.lock({ operation: 'apply' });
    await expect(backend.append(bytes('late'), v(2, 1))).rejects.toBeInstanceOf(LockLostError);
    await expect(backend.put(bytes('late'), v(2, 1))).rejects.toBeInstanceOf(LockLostError);
    const stored = await other.read();
    expect(text(stored?.document)).toBe('before');
    expect(stored?.journal).toEqual([]);
    expect((await other.readLock())?.id).toBe(taken.id);
  });
}

function record(address: string, secret: string): StateRecord {
  return {
    address, type: address.split('.')[0], attributes: { length: 16 }, outputs: { result: secret }, dependsOn: [],
    sensitive: ['outputs.result'], hash: 'h', updatedAt: '2026-11-22T18:01:00.000Z',
  };
}

function describeStoreAndMigration(current: () => BackendFixture): void {
  const identity = { project: 'conformance', stack: 'dev' };

  it('a StateStore over the backend reads back every change, journal and compaction included, with no secret stored in clear', async () => {
    const key = await loadStateKey({ env: { OMNITRON_STATE_KEY: randomBytes(32).toString('hex') } });
    const store = await StateStore.open(current().backend, key, identity);
    for (let i = 0; i < 5; i++) await store.upsert(record(`random_password.p${i}`, `secret-${i}-${store.lineage}`));
    await store.remove('random_password.p0');
    await store.rename('random_password.p1', 'random_password.renamed');
    const reopened = await StateStore.open(current().reopen(), key, identity);
    expect(reopened.persistedSerial).toBe(7);
    expect(reopened.records().map((r) => r.address)).toEqual(['random_password.p2', 'random_password.p3', 'random_password.p4', 'random_password.renamed']);
    expect(reopened.get('random_password.renamed')?.outputs.result).toBe(`secret-1-${store.lineage}`);
    const stored = await current().backend.read();
    expect(stored?.journal.length).toBeGreaterThan(0);
    for (const part of [stored!.document, ...stored!.journal]) expect(text(part)).not.toContain('secret-');
    await store.compact();
    expect((await current().backend.read())?.journal).toEqual([]);
    expect((await StateStore.open(current().reopen(), key, identity)).records()).toEqual(reopened.records());
  });

  it('migration moves the state and its history; a second run writes nothing; another lineage at the target is refused', async () => {
    const key = await loadStateKey({ env: { OMNITRON_STATE_KEY: randomBytes(32).toString('hex') } });
    const store = await StateStore.open(current().backend, key, identity);
    await store.upsert(record('random_password.a', 'one'));
    await store.compact();
    await store.upsert(record('random_password.b', 'two'));
    const target = await current().elsewhere();
    expect(await migrateState(current().backend, target)).toEqual({ lineage: store.lineage, serial: 2, written: 2 });
    const moved = await StateStore.open(target, key, identity);
    expect(moved.lineage).toBe(store.lineage);
    expect(moved.records()).toEqual(store.records());
    expect((await target.history()).map((h) => h.serial)).toEqual([1, 2]);
    expect((await migrateState(current().backend, target)).written).toBe(0);

    await current().backend.delete();
    const unrelated = await StateStore.open(current().backend, key, identity);
    await unrelated.upsert(record('random_password.c', 'three'));
    await expect(migrateState(current().backend, target)).rejects.toThrow(/another lineage/);
    expect((await StateStore.open(target, key, identity)).records()).toEqual(store.records());
  });
}
