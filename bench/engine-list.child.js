/**
 * Part 3's floor: `node bench/engine-list.child.js PROJECT STACK RUNS`. Lists the stack's containers by
 * ownership label and inspects each (in parallel, as observe does), RUNS times in this process, and
 * prints the times. With RUNS=1 the caller times the whole process instead.
 */
import Docker from 'dockerode';
import { nowMs } from './lib/stats.js';

const [project, stack, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 1);
const docker = new Docker();
const filters = { label: [`dev.omnitron.project=${project}`, `dev.omnitron.stack=${stack}`] };

async function listAndInspect() {
  const list = await docker.listContainers({ all: true, filters });
  return Promise.all(list.map((c) => docker.getContainer(c.Id).inspect()));
}

const times = [];
let containers = 0;
for (let i = 0; i < runs; i++) {
  const start = nowMs();
  containers = (await listAndInspect()).length;
  times.push(nowMs() - start);
}
console.log(JSON.stringify({ times, containers }));
