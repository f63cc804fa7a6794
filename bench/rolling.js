/**
 * Part: a rolling deploy of one changed app (two instances on each of two bare-metal nodes, the e2e
 * tests' systemd + sshd containers): per node, the time from its release switch to its agent reporting
 * every instance healthy, and the whole deploy, beside a baseline measured in the same run: the same
 * change with `deploy: { limit: 2 }`, both nodes at once. Rolling and baseline alternate so both see
 * the same machine load. Removes the nodes and temp dirs afterwards, also on Ctrl-C; skips itself,
 * saying why, without Docker, the node image or the CLI.
 */
import './lib/node24.js';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { mustSucceed, run } from './lib/bare-metal-run.js';
import { runPart } from './lib/run-part.js';
import { COMPILED_DIR, loadNodeBed, removeBedNow } from './lib/node-bed.js';
import { cliProblem, dockerProblem } from './lib/preflight.js';
import { fmt, median, table, verdict } from './lib/stats.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(REPO, 'dist', 'cli', 'main.js');
const NODE_IMAGE = 'omnitron-local/node:bookworm';
const NODES = ['a1', 'a2'];
const RUNS = 3;
/** Two nodes one after the other cannot take less than twice one node; what is above that is overhead. */
const TARGET_RATIO = 2.3;

const CONFIG = `const env = process.env;
const node = (name) => ({
  name, role: 'app', host: '127.0.0.1', address: env['ROLL_' + name.toUpperCase() + '_ADDRESS'],
  ssh: { user: 'root', port: Number(env['ROLL_' + name.toUpperCase() + '_SSH_PORT']), privateKey: env.ROLL_SSH_KEY },
});
export default {
  project: 'benchroll',
  apps: [{ name: 'web', script: './apps/web/server.mjs', instances: 2, startupTimeout: '60s', env: { PORT: '4180' } }],
  monitoring: { healthCheck: { interval: 200, timeout: 1_000 } },
  stacks: { production: { type: 'cluster', nodes: [node('a1'), node('a2')], deploy: { limit: Number(env.ROLL_LIMIT) } } },
};
`;

/** A new release each time: the same server, another digest. */
function server(release) {
  return `import http from 'node:http';
const server = http.createServer((req, res) => res.writeHead(200).end(${JSON.stringify(release)}));
server.listen(Number(process.env.PORT), '0.0.0.0');
process.on('SIGTERM', () => { server.close(() => process.exit(0)); server.closeIdleConnections(); });
`;
}

function setUpProject(root, bed, prefix) {
  const dir = join(root, 'project');
  mkdirSync(join(dir, 'apps', 'web'), { recursive: true });
  writeFileSync(join(dir, 'omnitron.config.mjs'), CONFIG);
  const env = {
    ...process.env, CI: 'true', NO_COLOR: '1', HOME: root, OMNITRON_STATE_KEY_FILE: join(root, 'state.key'), ROLL_SSH_KEY: bed.privateKeyPath,
    ...Object.fromEntries(bed.nodes.flatMap((n) => {
      const key = n.name.slice(prefix.length + 1).toUpperCase();
      return [[`ROLL_${key}_SSH_PORT`, String(n.sshPort)], [`ROLL_${key}_ADDRESS`, n.address]];
    })),
  };
  delete env.OMNITRON_STATE_KEY;
  return { dir, env };
}

/** Ships release `n` with nodes `limit` at a time; per node, from its release switch starting to its agent healthy. */
async function deploy(project, n, limit, extra = []) {
  writeFileSync(join(project.dir, 'apps', 'web', 'server.mjs'), server(`release ${n}`));
  const startedAt = Date.now();
  const r = mustSucceed(`apply (limit ${limit})`, await run(process.execPath, [CLI, 'apply', '--auto-approve', '--json', '--stack', 'production', ...extra], {
    cwd: project.dir, env: { ...project.env, ROLL_LIMIT: String(limit) }, timeoutMs: 300_000,
  }));
  const events = r.out.split('\n').flatMap((line) => { try { return [JSON.parse(line)]; } catch { return []; } });
  const at = (type, address) => { const e = events.find((x) => x.type === type && x.address === address); return e ? Date.parse(e['@timestamp']) - startedAt : undefined; };
  const healthy = (node) => events.find((x) => x.type === 'apply_complete' && x.address === `systemd_service.${node}.omnitron-agent`)?.ms;
  const nodes = NODES.map((node) => ({
    node, start: at('apply_start', `app_release.${node}.web`), end: at('apply_complete', `systemd_service.${node}.omnitron-agent`), healthyMs: healthy(node),
  }));
  return { ms: r.ms, nodes };
}

async function measure(print, cleanup) {
  const prefix = `benchroll${randomBytes(3).toString('hex')}`;
  const root = mkdtempSync(join(tmpdir(), 'omnitron-bench-rolling-'));
  cleanup.add('remove temp dir', () => rmSync(root, { recursive: true, force: true }));
  cleanup.add('remove test nodes', () => removeBedNow(prefix));
  cleanup.add('remove compiled node bed', () => rmSync(COMPILED_DIR, { recursive: true, force: true }));
  const { startNodes } = await loadNodeBed();
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = root;
  const bed = await startNodes({ count: NODES.length, namePrefix: prefix, names: NODES }).finally(() => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  });
  const project = setUpProject(root, bed, prefix);
  const first = await deploy(project, 0, 2, ['--trust-new-hosts']);
  print(`  first apply from nothing (untimed setup): ${fmt(first.ms / 1000, 1)} s`);
  const rolling = [];
  const baseline = [];
  for (let i = 1; i <= RUNS; i++) {
    rolling.push(await deploy(project, 2 * i - 1, 1));
    baseline.push(await deploy(project, 2 * i, 2));
  }
  const s = (ms) => (ms === undefined ? '?' : `${fmt(ms / 1000, 2)} s`);
  const perNode = (runs, node) => median(runs.map((r) => { const n = r.nodes.find((x) => x.node === node); return n.end - n.start; }));
  const toHealthy = (runs, node) => median(runs.map((r) => r.nodes.find((x) => x.node === node).healthyMs));
  const rows = [
    ...NODES.map((node) => [`rolling: node ${node}, release switch → agent healthy`, s(perNode(rolling, node)), `of which reload → every instance healthy ${s(toHealthy(rolling, node))}`]),
    ['rolling deploy (limit 1), whole apply', s(median(rolling.map((r) => r.ms))), `median of ${RUNS}`],
    ['baseline: both nodes at once (limit 2), whole apply', s(median(baseline.map((r) => r.ms))), `median of ${RUNS}, alternated`],
  ];
  print(table(['', 'time', ''], rows).split('\n').slice(1).map((l) => `  ${l}`).join('\n'));
  const order = rolling.every((r) => r.nodes[1].start >= r.nodes[0].end - 5);
  const applyRatio = median(rolling.map((r) => r.ms)) / median(baseline.map((r) => r.ms));
  const windowRatio = median(rolling.map((r) => r.nodes[1].end - r.nodes[0].start)) / median(baseline.map((r) => Math.max(...r.nodes.map((n) => n.end)) - Math.min(...r.nodes.map((n) => n.start))));
  print(`  a2 started only after a1 was healthy in every rolling run: ${verdict(order)}`);
  print(`  rolling/baseline: whole apply ${fmt(applyRatio, 2)}x; deploy window (first switch → last node healthy) ${fmt(windowRatio, 2)}x   target window <= ${TARGET_RATIO}x: ${verdict(windowRatio <= TARGET_RATIO)}`);
}

export async function rollingPart(print) {
  print('Part: a rolling deploy of one changed app (2 instances) over two bare-metal nodes, vs both nodes at once');
  const docker = new Docker();
  const why = (await dockerProblem(docker, [NODE_IMAGE], 'bash scripts/build-images.sh node')) ?? cliProblem(CLI);
  await runPart(print, why, measure);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await rollingPart((line = '') => console.log(line));
