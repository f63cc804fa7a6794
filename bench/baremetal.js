/**
 * Part 4: examples/platform's production stack on three bare-metal nodes (the e2e tests' systemd +
 * sshd containers, reached over SSH on 127.0.0.1): the first apply from nothing, binary upload
 * included, then a no-op plan beside the floor of one new `ssh … true` to each node in parallel,
 * alternated in the same run. Removes the nodes, their network and every temp dir afterwards, also on
 * Ctrl-C. Skips itself, saying why, without Docker, the node image, an ssh client or the CLI.
 */
import './lib/node24.js';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { runPart } from './lib/run-part.js';
import { CLI, criticalChain, firstApply, omnitron, seconds, setUpProject, span, SSH, startBed, timeNoops, warmBinaryCache } from './lib/bare-metal-run.js';
import { cliProblem, dockerProblem } from './lib/preflight.js';
import { traceSsh } from './lib/sshd-log.js';
import { fmt, table, verdict } from './lib/stats.js';
import { which } from './lib/which.js';

const NODE_IMAGE = 'omnitron-local/node:bookworm';
const NODES = ['db', 'cache', 'app'];
const RUNS = 5;
const TARGET_RATIO = 2.5;
const TARGET_APPLY_S = 6;

async function problems(docker) {
  if (!which('docker')) return 'the docker CLI is not on PATH (cleanup uses it)';
  if (!existsSync(SSH)) return `no OpenSSH client at ${SSH} (apt-get install openssh-client)`;
  return (await dockerProblem(docker, [NODE_IMAGE], 'bash scripts/build-images.sh node')) ?? cliProblem(CLI);
}

function printApply(print, apply, binary) {
  const { steps } = apply;
  const cache = binary.cold ? `cold: gzipped it first, ${seconds(binary.ms)}, untimed` : 'warm';
  print(`  first apply from nothing: ${steps.length} resources, Node binary upload included (gzipped binary cache ${cache})`);
  print(`    ${seconds(apply.ms)}   target <= ${TARGET_APPLY_S} s: ${verdict(apply.ms <= TARGET_APPLY_S * 1000)}`);
  const first = Math.min(...steps.map((s) => s.start));
  const last = Math.max(...steps.map((s) => s.end));
  print(`    phases: node start + config + refresh + plan ${seconds(first)}, resources ${seconds(last - first)}, exit ${seconds(apply.ms - last)}`);
  print('    slowest steps (up to 10 run at once; offsets from the process start):');
  for (const s of [...steps].sort((a, b) => b.ms - a.ms).slice(0, 5)) print(`      ${seconds(s.ms).padStart(7)}  ${s.address} (${s.action}, ${span(s)})`);
  print('    critical chain, approximate (each step started when the one above it ended: a dependency or a free slot):');
  for (const s of criticalChain(steps)) print(`      ${seconds(s.ms).padStart(7)}  ${s.address} (${s.action}, ${span(s)})`);
}

function printNoops(print, noops) {
  const ratio = noops.planMs / noops.floorMs;
  const rows = [
    [`omnitron plan --detailed-exitcode (whole process)`, `${fmt(noops.planMs / 1000, 2)} s`, `median of ${RUNS}, ${noops.acted ? 'NOT a no-op' : 'exit 0: no changes'}`],
    [`floor: a new ssh ... true to each of ${NODES.length} nodes at once`, `${fmt(noops.floorMs / 1000, 2)} s`, `median of ${RUNS}, ${SSH}`],
    ['omnitron --help (node start + loading the CLI)', `${fmt(noops.helpMs / 1000, 2)} s`, `median of ${RUNS}`],
  ];
  print(table(['', 'time', ''], rows).split('\n').slice(1).map((l) => `  ${l}`).join('\n'));
  print(`  plan/floor ${fmt(ratio, 2)}x   target "within ${TARGET_RATIO}x of the floor": ${verdict(ratio <= TARGET_RATIO && !noops.acted)}`);
  if (noops.acted) print(`  a plan after apply was not empty (exit ${noops.acted.status}):\n${`${noops.acted.out}${noops.acted.err}`.trim().split('\n').slice(0, 30).map((l) => `    ${l}`).join('\n')}`);
}

/** One more plan, untimed, with sshd logging at DEBUG1: how many connections and channels, and when. */
async function printSshTraffic(print, project, bed) {
  const trace = await traceSsh(bed.nodes.map((n) => n.container), async () => {
    const r = await omnitron(project, ['plan', '--detailed-exitcode']);
    if (r.status !== 0) throw new Error(`the traced plan exited ${r.status}`);
  });
  const t = trace.total;
  print(`  SSH traffic of one no-op plan (one more run, sshd at LogLevel DEBUG1): ${t.connections} connections, `
    + `${t.channels} channels (${t.exec} exec, ${t.sftp} sftp, ${t.tunnels} tunnels); timeline in s from the process start:`);
  const s = (ms) => fmt(ms / 1000, 2);
  const rows = trace.perNode.map((n, i) => [NODES[i], `${n.connections}/${n.channels}`, s(n.connectMs), s(n.authMs), s(n.longestExecMs), s(n.disconnectMs)]);
  const lines = table(['node', 'conn/chan', 'connect', 'authenticated', 'longest exec', 'disconnect'], rows).split('\n');
  for (const line of lines) print(`    ${line}`);
  print(`    plan process exited at ${s(trace.endedMs)}`);
}

async function measure(print, cleanup) {
  const cacheHome = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const binary = await warmBinaryCache(cacheHome);
  const prefix = `benchbm${randomBytes(3).toString('hex')}`;
  const root = mkdtempSync(join(tmpdir(), 'omnitron-bench-baremetal-'));
  cleanup.add('remove temp dir', () => rmSync(root, { recursive: true, force: true }));
  const bed = await startBed(print, cleanup, prefix, root, { names: NODES });
  const project = await setUpProject(root, bed, prefix, cacheHome);
  const apply = await firstApply(project);
  printApply(print, apply, binary);
  printNoops(print, await timeNoops(project, bed, RUNS));
  await printSshTraffic(print, project, bed).catch((e) => print(`  SSH traffic: not traced (${e.message})`));
  print('  (the issue quotes ~13 s for an Ansible no-op of similar work on the same nodes, with pipelining; not run here)');
}

export async function baremetalPart(print) {
  print(`Part 4: examples/platform (production) on ${NODES.length} bare-metal nodes over SSH: first apply, no-op plan vs new-connection floor`);
  const docker = new Docker();
  const why = await problems(docker);
  await runPart(print, why, measure);
}
