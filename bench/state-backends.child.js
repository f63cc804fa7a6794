/**
 * Part 2c: `node bench/state-backends.child.js BACKEND COUNT [URL]`. Fills a state of COUNT records
 * through StateStore over the real backend (file in a temp dir, or Postgres at URL), then measures
 * CHANGES durable changes to existing records at that size, each awaited: first as written now (one
 * journal entry or row per change), then, for comparison, as before this change (the whole sealed
 * document rewritten per change). Also times taking and releasing the lock.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBackend } from '../dist/planner/state/local-backend.js';
import { PgBackend } from '../dist/planner/state/pg-backend.js';
import { StateStore } from '../dist/planner/state/state-store.js';
import { loadStateKey } from '../dist/planner/state/state-key.js';
import { sealRecord } from '../dist/planner/state/encryption.js';
import { serializeState } from '../dist/planner/state/document.js';
import { resolve } from '../dist/planner/expr.js';
import { configHash } from '../dist/planner/hash.js';
import { syntheticStack, outputsOf } from './lib/synthetic-graph.js';
import { median, nowMs } from './lib/stats.js';

const [kind, countArg, url] = process.argv.slice(2);
const count = Number(countArg);
const CHANGES = 200;
// The old way costs seconds per change at 10,000 records on Postgres: a few samples show it.
const WHOLE_CHANGES = count >= 10_000 ? (kind === 'postgres' ? 3 : 10) : count >= 1000 ? 30 : 100;
const LOCKS = 30;
const dir = mkdtempSync(join(tmpdir(), 'omnitron-bench-backends-'));
const schema = `bench_${randomBytes(4).toString('hex')}`;

function records() {
  const { desired } = syntheticStack(count, { withState: false });
  return desired.map((r) => {
    const attributes = resolve(r.attributes, (a, o) => outputsOf(a)[o]);
    return {
      address: r.address, type: r.type, id: `id-${r.address}`, attributes, outputs: outputsOf(r.address),
      dependsOn: r.dependsOn, sensitive: r.sensitive.map((p) => `attributes.${p}`), hash: configHash(attributes), updatedAt: new Date().toISOString(),
    };
  });
}

function open() {
  return kind === 'postgres'
    ? new PgBackend({ url, schema, project: 'bench', stack: 'bench' })
    : new LocalBackend({ stackDir: join(dir, '.omnitron', 'bench'), stack: 'bench' });
}

/** Each awaited: ms per durable change, as StateStore writes it now. */
async function journalled(store, all) {
  const each = [];
  for (let i = 0; i < CHANGES; i++) {
    const record = { ...all[(i * 7919) % all.length], updatedAt: new Date().toISOString(), hash: `h${i}` };
    const start = nowMs();
    await store.upsert(record);
    each.push(nowMs() - start);
  }
  return each;
}

/** The previous way: seal the change, re-serialise the whole document and write it whole, per change. */
async function whole(backend, key, sealed, lineage, serial) {
  const doc = { formatVersion: 1, lineage, serial, project: 'bench', stack: 'bench', resources: sealed, updatedAt: new Date().toISOString() };
  const each = [];
  for (let i = 0; i < WHOLE_CHANGES; i++) {
    const address = Object.keys(sealed)[(i * 7919) % count];
    const start = nowMs();
    doc.resources[address] = await sealRecord({ ...doc.resources[address], sealed: undefined, hash: `w${i}` }, key);
    doc.serial++;
    await backend.put(serializeState(doc), { lineage, serial: doc.serial, previous: doc.serial - 1 });
    each.push(nowMs() - start);
  }
  return each;
}

/** The durable-write floor of the same medium, measured right after: a 1 KB append + fdatasync, or a one-row INSERT commit. */
async function floor() {
  const each = [];
  if (kind === 'postgres') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`CREATE TABLE "${schema}".floor (x integer)`);
    for (let i = 0; i < CHANGES; i++) {
      const start = nowMs();
      await client.query(`INSERT INTO "${schema}".floor VALUES ($1)`, [i]);
      each.push(nowMs() - start);
    }
    await client.end();
    return each;
  }
  const file = await openFile(join(dir, 'floor.dat'), 'a');
  for (let i = 0; i < CHANGES; i++) {
    const start = nowMs();
    await file.write(Buffer.alloc(1024, 120));
    await file.datasync();
    each.push(nowMs() - start);
  }
  await file.close();
  return each;
}

/** Lets the fill's writes reach the disk first (a checkpoint, or sync), so they do not slow what is measured. */
async function settle() {
  if (kind === 'postgres') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('CHECKPOINT');
    await client.end();
  } else {
    spawnSync('sync');
  }
}

async function lockCycle(backend) {
  const each = [];
  for (let i = 0; i < LOCKS; i++) {
    const start = nowMs();
    const lock = await backend.lock({ operation: 'bench' });
    each.push(nowMs() - start);
    await backend.unlock(lock.id);
  }
  return each;
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const backend = open();
try {
  const key = await loadStateKey({ env: { OMNITRON_STATE_KEY: randomBytes(32).toString('hex') } });
  const all = records();
  const store = await StateStore.open(backend, key, { project: 'bench', stack: 'bench' });
  const fillStart = nowMs();
  await Promise.all(all.map((r) => store.upsert(r)));
  await store.compact();
  const fillMs = nowMs() - fillStart;
  await settle();
  const floorMs = await floor();
  const now = await journalled(store, all);
  await store.compact();
  const sealed = {};
  for (const r of all) sealed[r.address] = await sealRecord(r, key);
  const wholeBackend = open();
  const before = await whole(wholeBackend, key, sealed, store.lineage, store.persistedSerial);
  await wholeBackend.close();
  const locks = await lockCycle(backend);
  console.log(JSON.stringify({
    kind, count, changes: CHANGES, msPerChange: mean(now), medianMsPerChange: median(now), p95MsPerChange: now.sort((a, b) => a - b)[Math.floor(now.length * 0.95)],
    floorMs: mean(floorMs), floorMedianMs: median(floorMs), wholeMsPerChange: mean(before), lockMs: median(locks), fillMs,
  }));
} finally {
  await backend.close();
  rmSync(dir, { recursive: true, force: true });
}
