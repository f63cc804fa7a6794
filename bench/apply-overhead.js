/**
 * Part 2: what the apply walker costs per resource as n grows (in-memory type and store), then what
 * durable state costs per change (StateStore over the real LocalBackend).
 */
import './lib/node24.js';
import { fileURLToPath } from 'node:url';
import { fmt, runChild, table } from './lib/stats.js';

const APPLY_CHILD = fileURLToPath(new URL('./apply-overhead.child.js', import.meta.url));
const STATE_CHILD = fileURLToPath(new URL('./state-durability.child.js', import.meta.url));
const SIZES = [1000, 5000, 10000];
const UPSERTS = [100, 1000];

async function walkerOverhead(print) {
  const results = [];
  for (const n of SIZES) results.push(await runChild(APPLY_CHILD, [String(n)]));
  const perRes = (r) => (r.ms * 1000) / r.n;
  const base = perRes(results[0]);
  print(table(
    ['n creates', 'apply ms', 'µs/res', 'vs 1k', 'peak RSS MB'],
    results.map((r) => [r.n, fmt(r.ms), fmt(perRes(r)), `${fmt(perRes(r) / base, 2)}x`, fmt(r.rssMb, 0)]),
  ));
  print('  applyPlan, parallelism 10, apply returns at once, Map-backed RecordStore; median after 1 warm-up');
}

async function durableState(print) {
  const results = [];
  for (const count of UPSERTS) results.push(await runChild(STATE_CHILD, [String(count)]));
  print(table(
    ['upserts', 'ms/upsert', 'first 10% ms', 'last 10% ms', 'total s', 'final state KB'],
    results.map((r) => [r.count, fmt(r.msPerUpsert, 2), fmt(r.firstTenthMs, 2), fmt(r.lastTenthMs, 2), fmt(r.totalMs / 1000, 2), fmt(r.stateKb, 0)]),
  ));
  const [small, large] = results;
  print(`  StateStore + LocalBackend (temp dir), sequential, each awaited. Each upsert appends one sealed journal entry and`);
  print(`  fdatasyncs it; the journal is folded into the document once it outgrows it: ${fmt(large.msPerUpsert / small.msPerUpsert, 1)}x per upsert from ${small.count} to ${large.count} records.`);
}

export async function applyOverheadPart(print) {
  print('Part 2: apply overhead per resource');
  await walkerOverhead(print);
  print('');
  print('Part 2b: durable state cost per change');
  await durableState(print);
}
