/**
 * Part 1, one size per process: `node bench/plan-time.child.js N [--creates|--flat] [--once]`.
 * Builds the synthetic stack (with prior state unless --creates; --flat: n independent two-field
 * resources), times makePlan (no refresh: observe answers from state) and prints one JSON line with
 * the median and this process's peak RSS. --once plans a single time, so the process as a whole
 * compares with one `terraform plan`.
 */
import { makePlan } from '../dist/planner/plan.js';
import { flatStack, syntheticStack } from './lib/synthetic-graph.js';
import { memoryTypes } from './lib/memory-provider.js';
import { median, peakRssMb, timeRuns } from './lib/stats.js';

const n = Number(process.argv[2]);
const once = process.argv.includes('--once');
const runs = n <= 1000 ? 15 : n <= 5000 ? 7 : 5;
const { desired, prior, observed } = process.argv.includes('--flat')
  ? flatStack(n)
  : syntheticStack(n, { withState: !process.argv.includes('--creates') });
const inputsRssMb = process.memoryUsage().rss / 1024 / 1024;
const request = {
  project: 'bench', stack: 'synthetic', stackType: 'local', mode: 'normal',
  desired, prior, observed, unreadable: new Map(), types: memoryTypes,
  replace: new Set(), targets: new Set(), keepVolumes: false,
  binding: { stateLineage: 'bench', stateSerial: 1, configDigest: 'bench' },
};
let plan;
const times = await timeRuns(() => { plan = makePlan(request); }, once ? { warmup: 0, runs: 1 } : { warmup: 2, runs });
const counts = {};
for (const c of plan.changes) counts[c.action] = (counts[c.action] ?? 0) + 1;
console.log(JSON.stringify({ n, changes: plan.changes.length, ms: median(times), times, rssMb: peakRssMb(), inputsRssMb, counts }));
