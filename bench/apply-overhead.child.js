/**
 * Part 2, one size per process: `node bench/apply-overhead.child.js N`. Plans N creates of the
 * synthetic graph, then times applyPlan with an in-memory type that returns at once and a Map-backed
 * RecordStore, parallelism 10: what the walker itself costs per resource.
 */
import { makePlan } from '../dist/planner/plan.js';
import { applyPlan } from '../dist/planner/apply.js';
import { syntheticStack } from './lib/synthetic-graph.js';
import { memoryStore, memoryTypes } from './lib/memory-provider.js';
import { median, peakRssMb, timeRuns } from './lib/stats.js';

const n = Number(process.argv[2]);
const { desired, prior, observed } = syntheticStack(n, { withState: false });
const plan = makePlan({
  project: 'bench', stack: 'synthetic', stackType: 'local', mode: 'normal',
  desired, prior, observed, unreadable: new Map(), types: memoryTypes,
  binding: { stateLineage: 'bench', stateSerial: 0, configDigest: 'bench' },
});
const context = {
  scope: { project: 'bench', stack: 'synthetic', root: '/nonexistent', stackDir: '/nonexistent' },
  clients: { docker: () => { throw new Error('the in-memory benchmark uses no Docker'); } },
  signal: new AbortController().signal,
};
let outcome;
const once = async () => {
  outcome = await applyPlan({ plan, types: memoryTypes, store: memoryStore(), context, parallelism: 10, sink: () => {} });
};
const times = await timeRuns(once, { warmup: 1, runs: n <= 1000 ? 9 : 5 });
if (outcome.add !== n || outcome.failed.length > 0) throw new Error(`apply did not create all ${n}: ${JSON.stringify(outcome).slice(0, 300)}`);
console.log(JSON.stringify({ n, ms: median(times), times, rssMb: peakRssMb() }));
