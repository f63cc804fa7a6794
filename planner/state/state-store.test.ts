import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateRecord } from '../resource.js';
import type { StateBackend } from './backend.js';
import { parseState } from './document.js';
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

/** Records every put and lets the test hold each one open, to expose interleaving. */
class SlowBackend extends LocalBackend {
  puts: Uint8Array[] = [];
  active = 0;
  maxActive = 0;
  override async put(data: Uint8Array): Promise<void> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    await new Promise((done) => setTimeout(done, 2));
    await super.put(data);
    this.puts.push(data);
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
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('starts empty without writing anything', async () => {
    const store = await StateStore.open(backend, key, identity);
    expect(store.records()).toEqual([]);
    expect(store.persistedSerial).toBe(0);
    expect(await backend.get()).toBeNull();
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

  it('removing an unknown address writes nothing', async () => {
    const store = await StateStore.open(backend, key, identity);
    await store.remove('nothing.here');
    expect(store.persistedSerial).toBe(0);
    expect(await backend.get()).toBeNull();
  });

  it('serialises concurrent writes and commits them in groups: one put at a time, each a superset of the one before', async () => {
    const slow = new SlowBackend({ stackDir: join(root, 'dev'), stack: 'dev' });
    const store = await StateStore.open(slow, key, identity);
    const addresses = Array.from({ length: 12 }, (_, i) => `random_password.p${i}`);
    await Promise.all(addresses.map((address) => store.upsert(record(address, `s-${address}`))));
    expect(slow.maxActive).toBe(1);
    const docs = slow.puts.map((bytes) => parseState(bytes, 'put'));
    // Changes that arrive while a put is in flight share the next one.
    expect(docs.length).toBeLessThan(addresses.length);
    expect(docs.map((d) => d.serial)).toEqual(docs.map((_, i) => i + 1));
    for (let i = 1; i < docs.length; i++) {
      for (const address of Object.keys(docs[i - 1].resources)) expect(docs[i].resources).toHaveProperty([address]);
    }
    expect(Object.keys(docs[docs.length - 1].resources)).toHaveLength(addresses.length);
    expect(store.records().map((r) => r.outputs.result)).toEqual(addresses.sort().map((a) => `s-${a}`));
  });

  it('a failed write rejects that change, leaves memory as it was, and later writes still run', async () => {
    let fail = true;
    const flaky: StateBackend = Object.assign(Object.create(backend) as StateBackend, {
      put: async (data: Uint8Array) => {
        if (fail) { fail = false; throw new Error('disk full'); }
        await backend.put(data);
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
