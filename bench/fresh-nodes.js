/**
 * Part 4b: examples/platform's production stack applied to three fresh nodes (Debian 12 with only
 * systemd and sshd: the e2e tests' node-bare image, apt through the test bed's apt cache), so the
 * apply installs postgresql and redis-server itself. apt's share (the apt_package steps) is reported
 * apart from omnitron's own, on the wall clock and on the critical chain.
 */
import './lib/node24.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { runPart } from './lib/run-part.js';
import { CLI, criticalChain, firstApply, seconds, setUpProject, span, startBed, warmBinaryCache } from './lib/bare-metal-run.js';
import { cliProblem, dockerProblem } from './lib/preflight.js';
import { fmt } from './lib/stats.js';

const IMAGES = ['omnitron-local/node-bare:bookworm', 'omnitron-local/apt-cache:bookworm'];
const NODES = ['db', 'cache', 'app'];
const APPLY_TIMEOUT_MS = 900_000;
const isApt = (s) => s.address.startsWith('apt_package.');

function printFreshApply(print, apply, binary) {
  const { steps, ms } = apply;
  const apt = steps.filter(isApt);
  const chain = criticalChain(steps);
  const aptOnChain = chain.filter(isApt).reduce((sum, s) => sum + s.ms, 0);
  print(`  first apply on fresh nodes: ${steps.length} resources, ${apt.length} of them apt packages (gzipped Node binary cache ${binary.cold ? 'cold, made first, untimed' : 'warm'})`);
  print(`    wall time                               ${seconds(ms)}`);
  print(`    apt on the critical chain               ${seconds(aptOnChain)}   (${fmt((100 * aptOnChain) / ms, 0)}% of the wall time)`);
  print(`    omnitron's own (wall minus that)        ${seconds(ms - aptOnChain)}`);
  print('    apt per package (apt-get update is inside the first install on each node):');
  for (const s of apt) print(`      ${seconds(s.ms).padStart(8)}  ${s.address} (${span(s)})`);
  print('    critical chain, approximate:');
  for (const s of chain) print(`      ${seconds(s.ms).padStart(8)}  ${s.address} (${s.action}, ${span(s)})`);
}

async function measure(print, cleanup) {
  const cacheHome = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const binary = await warmBinaryCache(cacheHome);
  const prefix = `benchfresh${randomBytes(3).toString('hex')}`;
  const root = mkdtempSync(join(tmpdir(), 'omnitron-bench-fresh-'));
  cleanup.add('remove temp dir', () => rmSync(root, { recursive: true, force: true }));
  const bed = await startBed(print, cleanup, prefix, root, { names: NODES, fresh: true });
  const project = await setUpProject(root, bed, prefix, cacheHome);
  printFreshApply(print, await firstApply(project, APPLY_TIMEOUT_MS), binary);
  print('  (apt figures depend on the apt cache: a cold cache downloads from Debian\'s mirror, a warm one does not)');
}

export async function freshNodesPart(print) {
  print(`Part 4b: examples/platform (production) on ${NODES.length} fresh nodes: first apply, apt apart from omnitron`);
  const docker = new Docker();
  const why = (await dockerProblem(docker, IMAGES, 'bash scripts/build-images.sh node-bare apt-cache')) ?? cliProblem(CLI);
  await runPart(print, why, measure);
}

if (import.meta.url === `file://${process.argv[1]}`) await freshNodesPart((line = '') => console.log(line));
