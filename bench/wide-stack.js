/**
 * Part 4c: a no-op plan of a 10-node stack (examples/platform's production stack plus seven more app
 * nodes running analytics) beside its floor: one new `ssh … true` to each of the 10 nodes, all at
 * once, alternated in the same run. Target: the plan within 2x of that floor.
 */
import './lib/node24.js';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { runPart } from './lib/run-part.js';
import { CLI, firstApply, omnitron, seconds, setUpProject, SSH, startBed, timeNoops, warmBinaryCache } from './lib/bare-metal-run.js';
import { cliProblem, dockerProblem } from './lib/preflight.js';
import { fmt, verdict } from './lib/stats.js';

const NODE_IMAGE = 'omnitron-local/node:bookworm';
const WORKERS = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7'];
const NODES = ['db', 'cache', 'app', ...WORKERS];
const NODE_LIST = `[node('db', 'database'), node('cache', 'cache'), node('app', 'app'), ...${JSON.stringify(WORKERS)}.map((n) => ({ ...node(n, 'app'), apps: ['analytics'] }))]`;
const RUNS = 5;
const TARGET_RATIO = 2;

async function measure(print, cleanup) {
  const cacheHome = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  await warmBinaryCache(cacheHome);
  const prefix = `benchwide${randomBytes(3).toString('hex')}`;
  const root = mkdtempSync(join(tmpdir(), 'omnitron-bench-wide-'));
  cleanup.add('remove temp dir', () => rmSync(root, { recursive: true, force: true }));
  const bed = await startBed(print, cleanup, prefix, root, { names: NODES });
  const project = await setUpProject(root, bed, prefix, cacheHome, NODE_LIST);
  const apply = await firstApply(project, 600_000);
  print(`  first apply (setup, not a target): ${apply.steps.length} resources in ${seconds(apply.ms)}`);
  const noops = await timeNoops(project, bed, RUNS);
  const ratio = noops.planMs / noops.floorMs;
  print(`  omnitron plan --detailed-exitcode, ${NODES.length} nodes   ${seconds(noops.planMs)}   median of ${RUNS}, ${noops.acted ? `NOT a no-op (exit ${noops.acted.status})` : 'exit 0: no changes'}`);
  print(`  floor: a new ssh ... true to each of ${NODES.length} nodes at once   ${seconds(noops.floorMs)}   median of ${RUNS}`);
  print(`  omnitron --help (node start + loading the CLI)   ${seconds(noops.helpMs)}`);
  print(`  plan/floor ${fmt(ratio, 2)}x   target "within ${TARGET_RATIO}x of the floor": ${verdict(ratio <= TARGET_RATIO && !noops.acted)}`);
  if (noops.acted) print(`${`${noops.acted.out}${noops.acted.err}`.trim().split('\n').slice(0, 30).map((l) => `    ${l}`).join('\n')}`);
  if (ratio > TARGET_RATIO) print(await whereTimeWent(project));
}

/** One more plan with OMNITRON_PROFILE=1: its phases, and each node's slowest span. */
async function whereTimeWent(project) {
  const r = await omnitron({ ...project, env: { ...project.env, OMNITRON_PROFILE: '1' } }, ['plan']);
  const lines = r.err.split('\n').filter((l) => /^\s+\d+\s+\d+\s/.test(l));
  const perNode = lines.filter((l) => /  (ssh connect|probe) node /.test(l));
  const phases = lines.filter((l) => !perNode.includes(l));
  const slowest = perNode.sort((a, b) => Number(b.trim().split(/\s+/)[1]) - Number(a.trim().split(/\s+/)[1])).slice(0, 4);
  return ['  where a plan\'s time went (OMNITRON_PROFILE=1, one more run; start and duration in ms):', ...phases, '  slowest per-node spans:', ...slowest]
    .map((l) => `    ${l.trimEnd()}`).join('\n');
}

export async function wideStackPart(print) {
  print(`Part 4c: a ${NODES.length}-node stack: no-op plan vs ${NODES.length} new ssh connections at once`);
  const docker = new Docker();
  const why = existsSync(SSH) ? (await dockerProblem(docker, [NODE_IMAGE], 'bash scripts/build-images.sh node')) ?? cliProblem(CLI) : `no OpenSSH client at ${SSH}`;
  await runPart(print, why, measure);
}

if (import.meta.url === `file://${process.argv[1]}`) await wideStackPart((line = '') => console.log(line));
