/**
 * `npm run bench`: builds, then prints every benchmark figure in order. Figures only, nothing asserted:
 * PASS/MISS compares a figure with its target or with a baseline measured in this same run.
 */
import './lib/node24.js';
import os from 'node:os';
import { planTimePart } from './plan-time.js';
import { applyOverheadPart } from './apply-overhead.js';
import { dockerNoopPart } from './docker-noop.js';
import { baremetalPart } from './baremetal.js';
import { nowMs } from './lib/stats.js';

const print = (line = '') => console.log(line);
const PARTS = [planTimePart, applyOverheadPart, dockerNoopPart, baremetalPart];
PARTS.push((await import('./fresh-nodes.js')).freshNodesPart);
PARTS.push((await import('./wide-stack.js')).wideStackPart);
PARTS.push((await import('./state-backends.js')).stateBackendsPart);
PARTS.push((await import('./discovery.js')).discoveryPart);
PARTS.push((await import('./agent.js')).agentPart);

const started = nowMs();
print(`omnitron benchmarks — node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB`);
for (const part of PARTS) {
  print();
  await part(print);
}
print(`\ndone in ${((nowMs() - started) / 1000).toFixed(0)} s`);
