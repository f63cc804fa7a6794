/**
 * Part 3: a no-op `omnitron plan` of examples/platform's dev stack (a private copy: own project name
 * and host ports), beside the engine's floor (list the stack's containers by label and inspect each)
 * and beside `docker-compose up -d` of an equivalent compose file, all in the same run. Applies the
 * stack first and removes everything afterwards. Skips itself, saying why, without Docker or a CLI.
 */
import './lib/node24.js';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { anonymousVolumesOf, removeVolumes } from './lib/anonymous-volumes.js';
import { cleanupStack } from './lib/cleanup.js';
import { composeFromInspect, publishedPortCount } from './lib/compose-file.js';
import { freePorts } from './lib/free-ports.js';
import { copyPlatform, HOST_PORTS_NEEDED } from './lib/platform-copy.js';
import { cliProblem, dockerProblem } from './lib/preflight.js';
import { fmt, median, nowMs, runChild, table, verdict } from './lib/stats.js';
import { which } from './lib/which.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(REPO, 'dist', 'cli', 'main.js');
const EXAMPLE = join(REPO, 'examples', 'platform');
const ENGINE_CHILD = fileURLToPath(new URL('./engine-list.child.js', import.meta.url));
const IMAGES = ['omnitron-local/postgres:15', 'omnitron-local/redis:7', 'omnitron-local/gateway:bookworm'];
const RUNS = 7;
const FLOOR_TARGET = 1.3;
const COMPOSE_TARGET = 0.5;
const STACK = 'dev';

function firstLine(text) {
  return (text || '').trim().split('\n').find((l) => l.trim()) ?? '';
}

/** Runs a command to completion; returns status, output and wall time. */
function timed(command, args, options) {
  const start = nowMs();
  const r = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26, ...options });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, ms: nowMs() - start };
}

function mustSucceed(what, r) {
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status}:\n${r.out.trim().split('\n').slice(-15).join('\n')}`);
  return r;
}

function omnitron(env, args) {
  return timed(process.execPath, [CLI, ...args], { env, cwd: REPO });
}

async function setUpStack(print, cleanup) {
  const suffix = randomBytes(3).toString('hex');
  const project = `benchplat-${suffix}`;
  const dir = mkdtempSync(join(tmpdir(), 'omnitron-bench-platform-'));
  cleanup.add('remove temp dir', () => rmSync(dir, { recursive: true, force: true }));
  const config = copyPlatform(EXAMPLE, join(dir, 'platform'), project, await freePorts(HOST_PORTS_NEEDED));
  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', OMNITRON_STATE_KEY: randomBytes(32).toString('hex') };
  const stackArgs = ['-c', config, '--stack', STACK];
  cleanup.add(`destroy ${project}`, () => destroyStack(print, env, stackArgs, project));
  const apply = mustSucceed('omnitron apply', omnitron(env, ['apply', ...stackArgs, '--auto-approve']));
  print(`  applied ${project} (a copy of examples/platform, stack ${STACK}) in ${fmt(apply.ms / 1000, 1)} s`);
  return { project, dir, env, stackArgs, suffix };
}

/** `destroy --volumes`, then anything still carrying this run's project label (only this run uses it). */
function destroyStack(print, env, stackArgs, project) {
  const anonymous = which('docker') ? anonymousVolumesOf(`dev.omnitron.project=${project}`) : [];
  const r = omnitron(env, ['destroy', ...stackArgs, '--auto-approve', '--volumes']);
  if (r.status !== 0) print(`  warning: omnitron destroy exited ${r.status}; removing leftovers by label\n${r.out.trim().split('\n').slice(-5).join('\n')}`);
  if (!which('docker')) return;
  const label = `label=dev.omnitron.project=${project}`;
  const ids = (kind) => spawnSync('docker', [kind, 'ls', '-q', ...(kind === 'container' ? ['-a'] : []), '--filter', label], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  const leftovers = { container: ids('container'), volume: ids('volume'), network: ids('network') };
  for (const [kind, list] of Object.entries(leftovers)) {
    if (list.length === 0) continue;
    print(`  warning: removing ${list.length} leftover ${kind}(s) of ${project}`);
    spawnSync('docker', [kind, 'rm', ...(kind === 'container' ? ['-f', '-v'] : []), ...list]);
  }
  removeVolumes(anonymous);
}

/**
 * The plan, the floor's fresh process and compose's no-op take turns, one warm-up each, so all three
 * see the same machine load (the stacks' health checks keep it busy and changing).
 */
function timeNoops(stack, compose) {
  const plans = [];
  const floors = [];
  const ups = [];
  for (let i = 0; i <= RUNS; i++) {
    plans.push(omnitron(stack.env, ['plan', ...stack.stackArgs, '--detailed-exitcode']));
    floors.push(mustSucceed('the engine floor', timed(process.execPath, [ENGINE_CHILD, stack.project, STACK, '1'], {})));
    if (compose) ups.push(mustSucceed('docker-compose up -d', timed(compose.bin, [...compose.args, 'up', '-d'], {})));
  }
  return {
    plan: summarise(plans.slice(1), (r) => r.status !== 0),
    floorProcessMs: median(floors.slice(1).map((r) => r.ms)),
    compose: compose && summarise(ups.slice(1), (r) => /\b(Creating|Recreating|Starting)\b/.test(r.out)),
  };
}

function summarise(runs, actedOn) {
  const acted = runs.find(actedOn);
  return { ms: median(runs.map((r) => r.ms)), noop: !acted, acted };
}

function timeCliFloor(env) {
  const runs = [];
  for (let i = 0; i <= RUNS; i++) runs.push(mustSucceed('omnitron --help', omnitron(env, ['--help'])));
  return median(runs.slice(1).map((r) => r.ms));
}

async function timeEngineFloor(project) {
  const inProcess = await runChild(ENGINE_CHILD, [project, STACK, String(RUNS * 2 + 1)]);
  return { inProcessMs: median(inProcess.times.slice(1)), containers: inProcess.containers };
}

async function inspectStack(docker, project) {
  const filters = { label: [`dev.omnitron.project=${project}`, `dev.omnitron.stack=${STACK}`] };
  const list = await docker.listContainers({ all: true, filters });
  const containers = await Promise.all(list.map((c) => docker.getContainer(c.Id).inspect()));
  const names = [...new Set(containers.map((c) => c.Config.Image))];
  const images = new Map(await Promise.all(names.map(async (n) => [n, await docker.getImage(n).inspect()])));
  return { containers, images };
}

async function setUpCompose(print, cleanup, docker, stack, composeBin) {
  const { containers, images } = await inspectStack(docker, stack.project);
  const file = join(stack.dir, 'docker-compose.yml');
  const compose = composeFromInspect(containers, images, await freePorts(publishedPortCount(containers)));
  writeFileSync(file, `${JSON.stringify(compose, null, 2)}\n`, { mode: 0o600 });
  const project = `benchcompose${stack.suffix}`;
  const args = ['-p', project, '-f', file];
  cleanup.add('docker-compose down -v', () => {
    const anonymous = anonymousVolumesOf(`com.docker.compose.project=${project}`);
    const r = timed(composeBin, [...args, 'down', '-v', '--remove-orphans'], {});
    if (r.status !== 0) print(`  warning: docker-compose down exited ${r.status}: ${firstLine(r.out)}`);
    removeVolumes(anonymous);
  });
  const up = mustSucceed('docker-compose up -d', timed(composeBin, [...args, 'up', '-d'], {}));
  print(`  brought up an equivalent compose project (${Object.keys(compose.services).join(', ')}) in ${fmt(up.ms / 1000, 1)} s`);
  return { bin: composeBin, args };
}

function report(print, plan, floor, compose) {
  const n = `${floor.containers} container${floor.containers === 1 ? '' : 's'}`;
  const rows = [
    ['omnitron plan --detailed-exitcode (whole process)', `${fmt(plan.ms / 1000, 2)} s`, `median of ${RUNS}, ${plan.noop ? 'exit 0: no changes' : 'NOT a no-op'}`],
    [`engine floor: list + inspect ${n}, in-process`, `${fmt(floor.inProcessMs, 1)} ms`, `median of ${RUNS * 2}`],
    [`engine floor: the same as a fresh node process`, `${fmt(floor.processMs / 1000, 2)} s`, `median of ${RUNS}`],
    ['omnitron --help (node start + loading the CLI)', `${fmt(floor.cliMs / 1000, 2)} s`, `median of ${RUNS}`],
  ];
  if (compose) rows.push(['docker-compose up -d, no-op (whole process)', `${fmt(compose.ms / 1000, 2)} s`, `median of ${RUNS}${compose.noop ? ', all up-to-date' : ', NOT a no-op'}`]);
  print(table(['', 'time', ''], rows).split('\n').slice(1).map((l) => `  ${l}`).join('\n'));
  const floorRatio = plan.ms / floor.processMs;
  print(`  plan/floor process ${fmt(floorRatio, 2)}x   target "within ${FLOOR_TARGET}x of a fresh node process doing the engine's part": ${verdict(floorRatio <= FLOOR_TARGET && plan.noop)}`);
  print(`  plan/--help ${fmt(plan.ms / floor.cliMs, 1)}x`);
  if (compose) print(`  plan/compose ${fmt(plan.ms / compose.ms, 2)}x   target "at most ${COMPOSE_TARGET}x compose's no-op": ${verdict(plan.ms <= COMPOSE_TARGET * compose.ms && plan.noop)}`);
}

function explainNotNoop(print, plan, compose) {
  if (!plan.noop) print(`  the second plan was not empty (exit ${plan.acted.status}):\n${plan.acted.out.trim().split('\n').slice(0, 30).map((l) => `    ${l}`).join('\n')}`);
  if (compose && !compose.noop) print(`  docker-compose acted on a no-op run:\n${compose.acted.out.trim().split('\n').map((l) => `    ${l}`).join('\n')}`);
}

async function measure(print, cleanup, docker) {
  const stack = await setUpStack(print, cleanup);
  const composeBin = which('docker-compose');
  const compose = composeBin ? await setUpCompose(print, cleanup, docker, stack, composeBin) : undefined;
  const noops = timeNoops(stack, compose);
  const floor = { ...(await timeEngineFloor(stack.project)), processMs: noops.floorProcessMs, cliMs: timeCliFloor(stack.env) };
  report(print, noops.plan, floor, noops.compose);
  if (!composeBin) print('  docker-compose: skipped (not installed; apt-get install docker-compose)');
  explainNotNoop(print, noops.plan, noops.compose);
}

export async function dockerNoopPart(print) {
  print('Part 3: no-op plan of examples/platform (dev) vs engine listing vs docker-compose');
  const docker = new Docker();
  const why = (await dockerProblem(docker, IMAGES, 'bash scripts/build-images.sh')) ?? cliProblem(CLI);
  if (why) {
    print(`  skipped: ${why}`);
    return;
  }
  const cleanup = cleanupStack(print);
  try {
    await measure(print, cleanup, docker);
  } catch (e) {
    print(`  FAILED: ${e.message}`);
    process.exitCode = 1;
  } finally {
    cleanup.run();
  }
}
