/**
 * What the bare-metal benchmark parts share: nodes started exactly as the e2e tests start them (the
 * bed compiled from test/support/nodes), a private copy of examples/platform pointed at them, the
 * CLI run as a child process, apply's `--json` events read back into timed steps, and the floor of
 * one new ssh connection to each node at once.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePorts } from './free-ports.js';
import { COMPILED_DIR, loadNodeBed, removeBedNow } from './node-bed.js';
import { copyPlatform, HOST_PORTS_NEEDED } from './platform-copy.js';
import { fmt, median, nowMs } from './stats.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(REPO, 'dist', 'cli', 'main.js');
const EXAMPLE = join(REPO, 'examples', 'platform');
const NODE_RUNTIME = join(REPO, 'dist', 'planner', 'artifacts', 'node-runtime.js');
export const SSH = '/usr/bin/ssh';
const STACK = 'production';

/** Runs a command to completion without blocking the event loop; returns status, output and wall time. */
export function run(command, args, options = {}) {
  return new Promise((done, fail) => {
    const start = nowMs();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c) => { out += c; });
    child.stderr.setEncoding('utf8').on('data', (c) => { err += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', fail);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, out, err, ms: nowMs() - start });
    });
  });
}

export function mustSucceed(what, r) {
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status}:\n${`${r.out}${r.err}`.trim().split('\n').slice(-15).join('\n')}`);
  return r;
}

/** The gzipped Node binary that apply uploads, made now if missing, so the timed apply finds it warm. */
export async function warmBinaryCache(cacheHome) {
  const cold = !existsSync(join(cacheHome, 'omnitron', `node-${process.version}-linux-x64.gz.sha256`));
  const start = nowMs();
  const { nodeRuntimeArtifact } = await import(pathToFileURL(NODE_RUNTIME).href);
  await nodeRuntimeArtifact();
  return { cold, ms: nowMs() - start };
}

/**
 * The bed writes its key into a new dir under os.tmpdir(); TMPDIR points at `root` meanwhile, so that
 * dir goes where cleanup looks, even after a Ctrl-C before startNodes returns.
 */
/** `bed`: startNodes' options besides the prefix (names, count, fresh). */
export async function startBed(print, cleanup, prefix, root, bed) {
  cleanup.add('remove test nodes', () => removeBedNow(prefix));
  cleanup.add('remove compiled node bed', () => rmSync(COMPILED_DIR, { recursive: true, force: true }));
  const { startNodes } = await loadNodeBed();
  const start = nowMs();
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = root;
  try {
    const started = await startNodes({ count: bed.names.length, namePrefix: prefix, ...bed });
    print(`  started ${bed.fresh ? 'fresh ' : ''}nodes ${bed.names.join(', ')} (systemd + sshd containers) in ${fmt((nowMs() - start) / 1000, 1)} s`);
    return started;
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

function nodeEnv(bed, prefix) {
  return Object.fromEntries(bed.nodes.flatMap((n) => {
    const key = n.name.slice(prefix.length + 1).toUpperCase();
    return [[`PLATFORM_${key}_HOST`, '127.0.0.1'], [`PLATFORM_${key}_SSH_PORT`, String(n.sshPort)], [`PLATFORM_${key}_ADDRESS`, n.address]];
  }));
}

/** A private copy of the example; HOME is the temp root, so there is no ~/.ssh/known_hosts to lean on. */
/** `nodes`: the production stack's `nodes: [...]` source to use instead of the example's three. */
export async function setUpProject(root, bed, prefix, cacheHome, nodes) {
  const dir = join(root, 'platform');
  copyPlatform(EXAMPLE, dir, prefix, await freePorts(HOST_PORTS_NEEDED), nodes);
  const env = {
    ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0', HOME: root, XDG_CACHE_HOME: cacheHome,
    OMNITRON_STATE_KEY_FILE: join(root, 'state.key'), PLATFORM_SSH_KEY: bed.privateKeyPath, ...nodeEnv(bed, prefix),
  };
  delete env.OMNITRON_STATE_KEY;
  return { dir, env };
}

export function omnitron(project, args, timeoutMs) {
  return run(process.execPath, [CLI, ...args, '--stack', STACK], { cwd: project.dir, env: project.env, ...(timeoutMs ? { timeoutMs } : {}) });
}

export function jsonEvents(out) {
  return out.split('\n').flatMap((line) => {
    try {
      const event = JSON.parse(line);
      return event && typeof event === 'object' && event.type ? [event] : [];
    } catch {
      return [];
    }
  });
}

/** `--json` events carry each step's exact duration; start and end offsets come from their timestamps. */
export function applySteps(events, startedAt) {
  const at = (e) => Date.parse(e['@timestamp']) - startedAt;
  const starts = new Map(events.filter((e) => e.type === 'apply_start').map((e) => [e.address, at(e)]));
  return events.filter((e) => e.type === 'apply_complete')
    .map((e) => ({ address: e.address, action: e.action, ms: e.ms, start: starts.get(e.address) ?? at(e) - e.ms, end: at(e) }));
}

/**
 * The chain that set the wall time, read back from the last step to finish: the walker starts a step
 * as soon as its last dependency completes, so each step's blocker is the one that ended just before it.
 */
export function criticalChain(steps) {
  const chain = [];
  let step = steps.reduce((a, b) => (b.end > a.end ? b : a));
  while (step) {
    chain.unshift(step);
    const { start, end } = step;
    step = steps.filter((s) => s.end <= start + 5 && s.end < end).reduce((a, b) => (!a || b.end > a.end ? b : a), undefined);
  }
  return chain;
}

/** `timeoutMs`: how long the apply may take (fresh nodes install packages first). */
export async function firstApply(project, timeoutMs) {
  const startedAt = Date.now();
  const r = await omnitron(project, ['apply', '--auto-approve', '--trust-new-hosts', '--json'], timeoutMs);
  const events = jsonEvents(r.out);
  // Failed: show the events as the plain view words them, then stderr.
  mustSucceed('omnitron apply', { ...r, out: `${events.map((e) => e['@message']).join('\n')}\n` });
  return { ms: r.ms, steps: applySteps(events, startedAt) };
}

/** One new connection to each node, all at once: TCP, key exchange, public-key auth, `true`, close. */
export async function sshFloor(bed) {
  const start = nowMs();
  const runs = await Promise.all(bed.nodes.map((n) => run(SSH, ['-i', bed.privateKeyPath, '-p', String(n.sshPort),
    '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', 'root@127.0.0.1', 'true'])));
  runs.forEach((r) => mustSucceed('ssh true', r));
  return nowMs() - start;
}

/** Plan, floor and `--help` alternate, one warm-up each, so all see the same machine load. */
export async function timeNoops(project, bed, runs) {
  const plans = [];
  const floors = [];
  const helps = [];
  for (let i = 0; i <= runs; i++) {
    plans.push(await omnitron(project, ['plan', '--detailed-exitcode']));
    floors.push(await sshFloor(bed));
    helps.push(mustSucceed('omnitron --help', await run(process.execPath, [CLI, '--help'], { env: project.env })).ms);
  }
  const timed = plans.slice(1);
  return {
    planMs: median(timed.map((r) => r.ms)), acted: timed.find((r) => r.status !== 0),
    floorMs: median(floors.slice(1)), helpMs: median(helps.slice(1)),
  };
}

export const seconds = (ms) => `${fmt(ms / 1000, 2)} s`;
export const span = (s) => `${fmt(s.start / 1000, 2)}-${fmt(s.end / 1000, 2)} s`;
