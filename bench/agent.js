/**
 * The node agent (dist/runtime/agent.bundle.mjs) as a real process. Memory: its own VmRSS/VmHWM with
 * the example apps running, beside a bare Node process of the same binary. Restarts: crash-to-restart
 * latency minus the backoff, from the agent's JSON log and from stamps the crashing child writes on the
 * monotonic clock every process shares. Temp dirs and loopback ports only; every process it starts
 * carries a marker in its environment and is killed afterwards, also on failure or Ctrl-C. Skips
 * itself, saying why, without the build or /proc.
 */
import './lib/node24.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupStack } from './lib/cleanup.js';
import { freePorts } from './lib/free-ports.js';
import { fmt, median, table, verdict } from './lib/stats.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = join(REPO, 'dist', 'runtime', 'agent.bundle.mjs');
const CONTRACT_AGENT = join(REPO, 'dist', 'contract', 'agent');
/** What this part imports from the contract the CLI and the agent share (the control key, the manifest format, the node flags). */
const CONTRACT_MODULES = ['control-token.js', 'manifest-version.js', 'layout.js'];
const APPS_DIR = join(REPO, 'examples', 'platform', 'apps');
const MARKER = 'OMNITRON_BENCH_AGENT_RUN';
const RSS_TARGET_MB = 40;
const STEADY_MS = 10_000;
const BACKOFF_MS = 100;
const CRASH_AFTER_MS = 50;
const WARMUP_CYCLES = 2;
const CYCLES = 25;
const RESTART_TARGET_MS = 20;

// Stamps its start (the process's time origin: hrtime minus performance.now()) and its exit, then crashes.
// The first touch of `performance` loads perf_hooks (ms under load), so the two clocks are read after it.
const CRASHER = `import { appendFileSync } from 'node:fs';
const stamp = (kind, ns) => appendFileSync(process.env.BENCH_STAMPS, \`\${kind} \${ns} \${process.pid}\\n\`);
performance.now();
stamp('start', process.hrtime.bigint() - BigInt(Math.round(performance.now() * 1e6)));
process.send?.({ type: 'ready' });
setTimeout(() => { stamp('exit', process.hrtime.bigint()); process.exit(3); }, Number(process.env.CRASH_AFTER_MS));
`;
const CRASH_BOOTSTRAP = "export default { name: 'crasher', version: '1.0.0', processes: [{ name: 'main', module: './crasher.mjs' }] };\n";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function exampleApps() {
  return readdirSync(APPS_DIR).filter((app) => existsSync(join(APPS_DIR, app, 'dist', 'bootstrap.js'))).sort();
}

function problem() {
  if (!existsSync('/proc/self/status')) return 'no /proc here (Linux only)';
  const built = [BUNDLE, ...CONTRACT_MODULES.map((m) => join(CONTRACT_AGENT, m))];
  const missing = built.filter((f) => !existsSync(f)).map((f) => relative(REPO, f));
  if (missing.length) return `the agent is not built (npm run build): ${missing.join(', ')} missing`;
  if (exampleApps().length === 0) return 'examples/platform/apps/*/dist is not built (npm run build)';
  return undefined;
}

/** VmRSS, VmHWM and VmRSS split into private (RssAnon) and file-backed pages, in MB (the kernel reports kB). */
function procMemory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)[1]) / 1024;
  return { rss: mb('VmRSS'), hwm: mb('VmHWM'), anon: mb('RssAnon'), file: mb('RssFile') };
}

/** SIGKILL to every process whose environment carries this run's marker: agents, apps, the bare node. */
function killMarked(marker) {
  const tag = `\0${MARKER}=${marker}\0`;
  let killed = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let environ;
    try { environ = readFileSync(`/proc/${pid}/environ`, 'latin1'); } catch { continue; }
    if (!`\0${environ}`.includes(tag)) continue;
    try { process.kill(Number(pid), 'SIGKILL'); killed++; } catch { /* gone meanwhile */ }
  }
  return killed;
}

function writeEnv(file, vars) {
  writeFileSync(file, Object.entries(vars).map(([k, v]) => `${k}=${JSON.stringify(String(v))}\n`).join(''));
}

function manifestApp(name, entry, cwd, envFile) {
  return {
    name, ...entry, cwd, envFile, dependsOn: [], critical: false, startupTimeout: 15_000,
    shutdown: { priority: 0, timeout: 3_000 },
    restart: { strategy: 'one_for_one', maxRestarts: 1_000, window: 60_000, backoff: { type: 'fixed', initial: BACKOFF_MS, max: BACKOFF_MS, factor: 1 } },
    logs: { maxSize: 1_000_000, maxFiles: 2, compress: false },
  };
}

function writeManifest(ctx, dir, apps) {
  const file = join(dir, 'manifest.json');
  const manifest = {
    formatVersion: ctx.formatVersion, project: 'bench', stack: 'bench', node: 'bench-node',
    stateDir: join(dir, 'state'), logDir: join(dir, 'logs'), controlSocket: join(dir, 'agent.sock'),
    publicKey: ctx.publicKey, metricsInterval: 5_000, apps,
  };
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return file;
}

function parseLine(line) {
  try { return JSON.parse(line); } catch { return { msg: line }; }
}

function startAgent(ctx, dir, apps) {
  const env = { ...process.env, [MARKER]: ctx.marker };
  const child = spawn(process.execPath, [...ctx.nodeFlags, BUNDLE, 'run', '--manifest', writeManifest(ctx, dir, apps)], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const agent = { child, dir, logs: [], stderr: '', exited: new Promise((r) => { child.once('exit', r); child.once('error', r); }) };
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) agent.logs.push(parseLine(line));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => { agent.stderr += chunk; });
  return agent;
}

function gone(child) {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

/** SIGTERM (the agent stops its apps), SIGKILL after 10 s; the marker sweep catches the rest. */
async function stopAgent(agent) {
  if (gone(agent.child)) return;
  agent.child.kill('SIGTERM');
  await Promise.race([agent.exited, sleep(10_000)]);
  if (!gone(agent.child)) agent.child.kill('SIGKILL');
}

function agentDied(agent) {
  const tail = `${agent.stderr}\n${agent.logs.slice(-5).map((l) => JSON.stringify(l)).join('\n')}`.trim();
  return new Error(`the agent exited (${agent.child.exitCode ?? agent.child.signalCode}):\n${tail}`);
}

async function waitFor(probe, what, agent, ms) {
  const end = Date.now() + ms;
  for (;;) {
    if (gone(agent.child)) throw agentDied(agent);
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(50);
  }
}

function allRunning(agent, count) {
  let status;
  try { status = JSON.parse(readFileSync(join(agent.dir, 'state', 'status.json'), 'utf8')); } catch { return undefined; }
  const ready = status.agent.state === 'running' && status.apps.length === count && status.apps.every((a) => a.state === 'running');
  return ready ? status : undefined;
}

async function measureMemory(ctx) {
  const dir = join(ctx.root, 'apps');
  mkdirSync(dir);
  const names = exampleApps();
  const ports = await freePorts(names.length);
  const apps = names.map((name, i) => {
    const envFile = join(dir, `${name}.env`);
    writeEnv(envFile, { PORT: ports[i], HOST: '127.0.0.1' });
    return manifestApp(name, { bootstrap: join(APPS_DIR, name, 'dist', 'bootstrap.js') }, join(APPS_DIR, name), envFile);
  });
  const floor = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore', env: { ...process.env, [MARKER]: ctx.marker } });
  const agent = startAgent(ctx, dir, apps);
  try {
    await waitFor(() => allRunning(agent, apps.length), `${apps.length} apps running (status.json)`, agent, 30_000);
    const running = { agent: procMemory(agent.child.pid), floor: procMemory(floor.pid) };
    await sleep(STEADY_MS);
    if (gone(agent.child)) throw agentDied(agent);
    const steady = { agent: procMemory(agent.child.pid), floor: procMemory(floor.pid), apps: allRunning(agent, apps.length) !== undefined };
    return { names, running, steady };
  } finally {
    await stopAgent(agent);
    floor.kill('SIGKILL');
  }
}

function memoryRow(label, mem, floor) {
  const ratios = floor ? [`${fmt(mem.rss / floor.rss, 2)}x`, `${fmt(mem.hwm / floor.hwm, 2)}x`] : ['', ''];
  return [label, fmt(mem.rss), fmt(mem.hwm), fmt(mem.anon), fmt(mem.file), ...ratios];
}

function printMemory(print, m, nodeFlags) {
  print(`  agent (node ${[...nodeFlags, 'agent.bundle.mjs'].join(' ')}, as nodes run it) with ${m.names.length} example apps running (${m.names.join(', ')}), each on its own loopback port; bare node = ${process.execPath} -e "setInterval(()=>{},1000)"`);
  const rows = [
    memoryRow(`bare node (floor), +${STEADY_MS / 1000} s`, m.steady.floor),
    memoryRow('agent, all apps running', m.running.agent, m.running.floor),
    memoryRow(`agent, +${STEADY_MS / 1000} s steady`, m.steady.agent, m.steady.floor),
  ];
  print(table(['', 'VmRSS MB', 'VmHWM MB', 'RssAnon MB', 'RssFile MB', 'RSS/floor', 'HWM/floor'], rows).split('\n').map((l) => `    ${l}`).join('\n'));
  if (!m.steady.apps) print(`    note: at +${STEADY_MS / 1000} s status.json no longer showed every app running`);
  printMemoryVerdict(print, m.steady);
}

function printMemoryVerdict(print, { agent, floor }) {
  print(`  agent peak RSS (VmHWM): ${fmt(agent.hwm)} MB, ${fmt(agent.hwm / floor.hwm, 2)}x the bare node's ${fmt(floor.hwm)} MB   target < ${RSS_TARGET_MB} MB: ${verdict(agent.hwm < RSS_TARGET_MB)}`);
  const above = `the agent adds ${fmt(agent.hwm - floor.hwm)} MB peak / ${fmt(agent.rss - floor.rss)} MB steady above the bare node (private pages: +${fmt(agent.anon - floor.anon)} MB)`;
  if (floor.hwm >= RSS_TARGET_MB) print(`    Node ${process.version} alone already holds ${fmt(floor.hwm)} MB here (${fmt(floor.file)} MB of it file-backed: the node binary's pages), so ${RSS_TARGET_MB} MB is out of reach for any Node process; ${above}`);
  else print(`    Node's own floor is ${fmt(floor.hwm)} MB, leaving ${fmt(RSS_TARGET_MB - floor.hwm)} MB under the target; ${above}`);
}

function readStamps(file) {
  let text;
  try { text = readFileSync(file, 'utf8'); } catch { return []; }
  return text.split('\n').filter(Boolean).map((line) => {
    const [kind, ns, pid] = line.split(' ');
    return { kind, ns: BigInt(ns), pid: Number(pid) };
  });
}

/** Date.now() minus the monotonic clock in ms, taken at the instant Date.now() ticks over (µs precise). */
function wallMinusMonotonic() {
  const first = Date.now();
  let now = first;
  while (now === first) now = Date.now();
  return now - Number(process.hrtime.bigint()) / 1e6;
}

/** The agent's log lines for `app`: exit lines in order, starting lines by attempt, scheduled delays in order (ms). */
function logTimes(logs, app) {
  // ISO times are truncated to the ms; +0.5 centres them.
  const at = (e) => Date.parse(e.time) + 0.5;
  const mine = logs.filter((e) => e.app === app);
  return {
    exits: mine.filter((e) => e.msg === 'exit').map(at),
    starting: new Map(mine.filter((e) => e.msg === 'starting').map((e) => [e.attempt, at(e)])),
    delays: mine.filter((e) => e.msg === 'restart-scheduled').map((e) => e.delayMs),
  };
}

/**
 * Restart k: process k's exit → process k+1's start, on one clock (wall ms). `total` uses only the
 * child's stamps; `decide` only the agent's lines; `notice` and `spawn` are the two legs between.
 */
function restarts(stamps, log, offset) {
  const wall = (ns) => Number(ns) / 1e6 + offset;
  const starts = stamps.filter((s) => s.kind === 'start');
  const exits = new Map(stamps.filter((s) => s.kind === 'exit').map((s) => [s.pid, s.ns]));
  const out = [];
  for (let k = 0; k + 1 < starts.length; k++) {
    const [exitNs, startNs, exitLine, startingLine] = [exits.get(starts[k].pid), starts[k + 1].ns, log.exits[k], log.starting.get(k + 2)];
    if (exitNs === undefined || exitLine === undefined || startingLine === undefined) break;
    const delay = log.delays[k] ?? BACKOFF_MS;
    out.push({
      total: Number(startNs - exitNs) / 1e6 - delay, decide: startingLine - exitLine - delay,
      notice: exitLine - wall(exitNs), spawn: wall(startNs) - startingLine,
    });
  }
  return out;
}

async function crashLoop(ctx, name, entry) {
  const dir = join(ctx.root, name);
  mkdirSync(dir);
  const stamps = join(dir, 'stamps.txt');
  const envFile = join(dir, 'app.env');
  writeEnv(envFile, { CRASH_AFTER_MS, BENCH_STAMPS: stamps });
  const agent = startAgent(ctx, dir, [manifestApp(name, entry, ctx.fixtures, envFile)]);
  const wanted = WARMUP_CYCLES + CYCLES;
  const offset = wallMinusMonotonic();
  const measure = () => restarts(readStamps(stamps), logTimes(agent.logs, name), offset);
  try {
    await waitFor(() => measure().length >= wanted, `${wanted} restarts`, agent, 30_000);
  } finally {
    await stopAgent(agent);
  }
  return measure().slice(WARMUP_CYCLES, wanted);
}

async function measureRestarts(ctx) {
  ctx.fixtures = join(ctx.root, 'fixture');
  mkdirSync(ctx.fixtures);
  writeFileSync(join(ctx.fixtures, 'crasher.mjs'), CRASHER);
  writeFileSync(join(ctx.fixtures, 'bootstrap.mjs'), CRASH_BOOTSTRAP);
  return [
    { label: 'crash while running', how: `ready over IPC at once, exits ${CRASH_AFTER_MS} ms later`, runs: await crashLoop(ctx, 'crash-running', { bootstrap: join(ctx.fixtures, 'bootstrap.mjs') }) },
    { label: 'exit before ready', how: `script app, no IPC, exits at ${CRASH_AFTER_MS} ms (< 500 ms alive-readiness)`, runs: await crashLoop(ctx, 'crash-starting', { script: join(ctx.fixtures, 'crasher.mjs') }) },
  ];
}

function restartRow(label, signal, values) {
  const ms = (v) => `${fmt(v, 1)} ms`;
  const m = median(values);
  return [label, signal, ms(m), ms(percentile(values, 95)), ms(Math.min(...values)), ms(Math.max(...values)), String(values.length), `median < ${RESTART_TARGET_MS} ms: ${verdict(m < RESTART_TARGET_MS)}`];
}

function printRestarts(print, cases) {
  print(`  crash loop, fixed backoff ${BACKOFF_MS} ms, ${CYCLES} restarts per case after ${WARMUP_CYCLES} warm-ups; figures are restart − exit − backoff:`);
  for (const c of cases) print(`    ${c.label}: ${c.how}`);
  print('    child stamps: the dying child\'s last instant → the new process\'s time origin (CLOCK_MONOTONIC, ns; includes the spawn)');
  print('    agent log: its "exit" line → its next "starting" line (wall clock, 1 ms resolution; the agent\'s own part only)');
  const rows = cases.flatMap((c) => [restartRow(c.label, 'child stamps', c.runs.map((r) => r.total)), restartRow('', 'agent log', c.runs.map((r) => r.decide))]);
  print(table(['case', 'signal', 'median', 'p95', 'min', 'max', 'n', ''], rows).split('\n').map((l) => `    ${l}`).join('\n'));
  print('    where the child-stamp time goes (medians, ±0.5 ms: log lines are whole ms):');
  for (const c of cases) {
    const leg = (key) => fmt(median(c.runs.map((r) => r[key])), 1);
    print(`      ${c.label}: child's last instant → agent logs "exit" ${leg('notice')} ms (child teardown included), agent decides ${leg('decide')} ms, logs "starting" → new process runs ${leg('spawn')} ms`);
  }
}

async function context(cleanup) {
  const root = mkdtempSync(join(tmpdir(), 'omnitron-bench-agent-'));
  cleanup.add('remove temp dir', () => rmSync(root, { recursive: true, force: true }));
  const marker = randomBytes(6).toString('hex');
  cleanup.add('kill every process this part started', () => killMarked(marker)); // runs first: steps run in reverse
  const { generateAgentKeyPair } = await import(join(CONTRACT_AGENT, 'control-token.js'));
  const { MANIFEST_FORMAT_VERSION } = await import(join(CONTRACT_AGENT, 'manifest-version.js'));
  const { AGENT_NODE_FLAGS } = await import(join(CONTRACT_AGENT, 'layout.js'));
  const { publicJwk } = await generateAgentKeyPair();
  return { marker, root, publicKey: publicJwk, formatVersion: MANIFEST_FORMAT_VERSION, nodeFlags: AGENT_NODE_FLAGS };
}

export async function agentPart(print) {
  print('Part: node agent (dist/runtime/agent.bundle.mjs): peak RSS with the example apps running, crash-to-restart latency');
  const why = problem();
  if (why) {
    print(`  skipped: ${why}`);
    return;
  }
  const cleanup = cleanupStack(print);
  try {
    const ctx = await context(cleanup);
    printMemory(print, await measureMemory(ctx), ctx.nodeFlags);
    printRestarts(print, await measureRestarts(ctx));
  } catch (e) {
    print(`  FAILED: ${e.message}`);
    process.exitCode = 1;
  } finally {
    cleanup.run();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await agentPart((line = '') => console.log(line));
