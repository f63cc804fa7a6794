import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateRecord } from '../resource.js';
import type { StateBackend, WriteVersion } from './backend.js';
import { parseState } from './document.js';
import { parseEntry } from './journal.js';
import { loadStateKey, type StateKey } from './encryption.js';
import { LocalBackend } from './local-backend.js';
import { StateStore } from './state-store.js';

const identity = { project: 'shop', stack: 'dev' };

function record(address: string, secret = 'pw'): StateRecord {
  return {
    address, type: 'random_password', attributes: { length: 16 }, outputs: { result: secret }, dependsOn: [],
    sensitive: ['outputs.result'], hash: 'h', updatedAt: '2026-11-22T18:01:00.000Z',
  };
}

/** Records every write (whole documents and journal entries) and holds each one open, to expose interleaving. */
class SlowBackend extends LocalBackend {
  writes: Array<{ kind: 'put' | 'append'; data: Uint8Array; version: WriteVersion }> = [];
  active = 0;
  maxActive = 0;
  override async put(data: Uint8Array, version: WriteVersion): Promise<void> {
    await this.slowly(() => super.put(data, version));
    this.writes.push({ kind: 'put', data, version });
  }
  override async append(data: Uint8Array, version: WriteVersion): Promise<void> {
    await this.slowly(() => super.append(data, version));
    this.writes.push({ kind: 'append', data, version });
  }
  private async slowly(write: () => Promise<void>): Promise<void> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    await new Promise((done) => setTimeout(done, 2));
    await write();
    this.active--;
  }
}

describe('StateStore', () => {
  let root: string;
  let key: StateKey;
  let backend: LocalBackend;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'omnitron-store-'));
    key = await loadStateKey({ env: { OMNITRON_STATE_KEY: randomBytes(32).toString('hex') } });
    backend = new LocalBackend({ stackDir: join(root, 'dev'), stack: 'dev' });
  });
  afterEach(async () => {
    await backend.close();
    await rm(root, { recursive: true, force: true });
  });

  it('starts empty without writing anything', async () => {
    const store = await StateStore.open(backend, key, identity);
    expect(store.records()).toEqual([]);
    expect(store.persistedSerial).toBe(0);
    expect(await backend.read()).toBeNull();
  });

  it('persists every upsert and remove immediately, bumping the serial, keeping the lineage', async () => {
    const store = await StateStore.open(backend, key, identity);
    await store.upsert(record('random_password.a'));
    await store.upsert(record('random_password.b'));
    await store.remove('random_password.a');
    expect(store.persistedSerial).toBe(3);
    const reopened = await StateStore.open(backend, key, identity);
    expect(reopened.persistedSerial).toBe(3);
    expect(reopened.lineage).toBe(store.lineage);
    expect(reopened.records()).toEqual([record('random_password.b')]);
    expect(reopened.get('random_password.a')).toBeUndefined();
  });

  it('opens every sealed record, and with the wrong key names the first record the state holds', async () => {
    const store = await StateStore.open(backend, key, identity);
    for (const name of ['c', 'a', 'b']) await store.upsert(record(`random_password.${name}`, `pw-${name}`));
    const reopened = await StateStore.open(backend, key, identity);
    expect(reopened.records().map((r) => r.outputs.result)).toEqual(['pw-a', 'pw-b', 'pw-c']);
    const other = await loadStateKey({ env: { OMNITRON_STATE_KEY: randomBytes(32).toString('hex') } });
    await expect(StateStore.open(backend, other, identity)).rejects.toThrow(/random_password\.c/);
  });

  it('removing an unknown address writes nothing', async () => {
    const store = await StateStore.open(backend, key, identity);
    await store.remove('nothing.here');
    expect(store.persistedSerial).toBe(0);
    expect(await backend.read()).toBeNull();
  });

  it('serialises concurrent writes and commits them in groups: one write at a time, serials in order, the first whole and the rest journal entries', async () => {
    const slow = new SlowBackend({ stackDir: join(root, 'dev'), stack: 'dev' });
    const store = await StateStore.open(slow, key, identity);
    const addresses = Array.from({ length: 12 }, (_, i) => `random_password.p${i}`);
    await Promise.all(addresses.map((address) => store.upsert(record(address, `s-${address}`))));
    expect(slow.maxActive).toBe(1);
    // Changes that arrive while a write is in flight share the next one.
    expect(slow.writes.length).toBeLessThan(addresses.length);
    expect(slow.writes.map((w) => w.version.serial)).toEqual(slow.writes.map((_, i) => i + 1));
    expect(slow.writes.map((w) => w.version.previous)).toEqual(slow.writes.map((_, i) => i));
    expect(slow.writes.map((w) => w.kind)).toEqual(slow.writes.map((_, i) => (i === 0 ? 'put' : 'append')));
    const first = parseState(slow.writes[0].data, 'put');
    const entries = slow.writes.slice(1).map((w) => parseEntry(w.data, 'append'));
    const written = [...Object.keys(first.resources), ...entries.flatMap((e) => Object.keys(e.upserts))];
    expect(written.sort()).toEqual([...addresses].sort());
    expect(store.records().map((r) => r.outputs.result)).toEqual(addresses.sort().map((a) => `s-${a}`));
    await slow.close();
  });

  it('writes a journal entry per change holding only that change, and folds the journal into the document once it outgrows it', async () => {
    const slow = new SlowBackend({ stackDir: join(root, 'dev'), stack: 'dev' });
    const store = await StateStore.open(slow, key, identity);
    const big = 'x'.repeat(40_000);
    for (let i = 0; i < 12; i++) await store.upsert({ ...record(`random_password.p${i % 3}`), attributes: { big, i } });
    const kinds = slow.writes.map((w) => w.kind);
    expect(kinds[0]).toBe('put');
    expect(kinds.filter((k) => k === 'put').length).toBeGreaterThan(1);
    for (const w of slow.writes.filter((x) => x.kind === 'append')) expect(Object.keys(parseEntry(w.data, 'append').upserts)).toHaveLength(1);
    const reopened = await StateStore.open(new LocalBackend({ stackDir: join(root, 'dev'), stack: 'dev' }), key, identity);
    expect(reopened.persistedSerial).toBe(12);
    expect(reopened.records().map((r) => r.attributes)).toEqual([{ big, i: 9 }, { big, i: 10 }, { big, i: 11 }]);
    await slow.close();
  });

  it('compact writes the whole document at the same serial and empties the journal; with no journal it writes nothing', async () => {
    const store = await StateStore.open(backend, key, identity);
    await store.upsert(record('random_password.a'));
    await store.upsert(record('random_password.b'));
    expect((await backend.read())?.journal).toHaveLength(1);
    await store.compact();
    const stored = await backend.read();
    expect(stored?.journal).toEqual([]);
    expect(parseState(stored!.document, 'doc').serial).toBe(2);
    expect(store.persistedSerial).toBe(2);
    await store.compact();
    expect((await backend.history()).map((h) => h.serial)).toEqual([1, 2]);
  });

  it('refuses a journal entry that does not follow the document', async () => {
    const store = await StateStore.open(backend, key, identity);
    await store.upsert(record('random_password.a'));
    await backend.append(new TextEncoder().encode(JSON.stringify({ serial: 5, lineage: store.lineage, at: 'now', upserts: {}, removes: [] })), { lineage: store.lineage, serial: 5, previous: 1 });
    await expect(StateStore.open(backend, key, identity)).rejects.toThrow(/entry for serial 5 .* follows serial 1/);
  });

  it('a failed write rejects that change, leaves memory as it was, and later writes still run', async () => {
    let fail = true;
    const flaky: StateBackend = Object.assign(Object.create(backend) as StateBackend, {
      put: async (data: Uint8Array, version: WriteVersion) => {
        if (fail) { fail = false; throw new Error('disk full'); }
        await backend.put(data, version);
      },
    });
    const store = await StateStore.open(flaky, key, identity);
    const first = store.upsert(record('random_password.a'));
    const second = store.upsert(record('random_password.b'));
    await expect(first).rejects.toThrow('disk full');
    await second;
    expect(store.records().map((r) => r.address)).toEqual(['random_password.b']);
    expect(store.persistedSerial).toBe(1);
  });

  it('keeps changes in the order they were made, though sealing finishes in any order', async () => {
    const store = await StateStore.open(backend, key, identity);
    const upserted = store.upsert(record('random_password.a'));
    const removed = store.remove('random_password.a');
    await Promise.all([upserted, removed]);
    expect(store.records()).toEqual([]);
    const reopened = await StateStore.open(backend, key, identity);
    expect(reopened.records()).toEqual([]);
  });

  it('hands out copies, so callers cannot change state behind its back', async () => {
    const store = await StateStore.open(backend, key, identity);
    const input = record('random_password.a');
    await store.upsert(input);
    input.outputs.result = 'changed';
    store.get('random_password.a')!.outputs.result = 'changed too';
    expect(store.get('random_password.a')!.outputs.result).toBe('pw');
  });

  it('refuses state that belongs to another stack or project', async () => {
    const store = await StateStore.open(backend, key, identity);
    await store.upsert(record('random_password.a'));
    await expect(StateStore.open(backend, key, { project: 'shop', stack: 'prod' }))
      .rejects.toThrow(/state belongs to project "shop", stack "dev", not project "shop", stack "prod"/);
  });
});
