/**
 * Part 2, durable state: `node bench/state-durability.child.js COUNT`. COUNT sequential upserts
 * through StateStore over the real LocalBackend in a temp dir. Each upsert seals the record (its
 * secret encrypted) and appends it to the journal (fdatasync); the journal is folded into the whole
 * document, fsynced and renamed into place, once it outgrows the document.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBackend } from '../dist/planner/state/local-backend.js';
import { StateStore } from '../dist/planner/state/state-store.js';
import { loadStateKey } from '../dist/planner/state/state-key.js';
import { resolve } from '../dist/planner/expr.js';
import { configHash } from '../dist/planner/hash.js';
import { syntheticStack, outputsOf } from './lib/synthetic-graph.js';
import { nowMs } from './lib/stats.js';

const count = Number(process.argv[2]);
const dir = mkdtempSync(join(tmpdir(), 'omnitron-bench-state-'));

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

try {
  const key = await loadStateKey({ env: { OMNITRON_STATE_KEY: randomBytes(32).toString('hex') } });
  const backend = new LocalBackend({ stackDir: join(dir, '.omnitron', 'bench'), stack: 'bench' });
  const store = await StateStore.open(backend, key, { project: 'bench', stack: 'bench' });
  const each = [];
  for (const record of records()) {
    const start = nowMs();
    await store.upsert(record);
    each.push(nowMs() - start);
  }
  const tenth = Math.max(1, Math.floor(count / 10));
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(JSON.stringify({
    count, msPerUpsert: mean(each), firstTenthMs: mean(each.slice(0, tenth)), lastTenthMs: mean(each.slice(-tenth)),
    totalMs: each.reduce((a, b) => a + b, 0), stateKb: statSync(backend.statePath).size / 1024, serial: store.persistedSerial,
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
