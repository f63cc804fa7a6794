/**
 * Rolling, health-gated deploys on two bare nodes (systemd + sshd containers reached over SSH on
 * 127.0.0.1), with a small project of its own: one app, `web`, on both nodes, two instances each
 * (PORT and PORT+1), checked at /health. The `it`s share the stack and run in order: a first deploy,
 * a release that is not healthy on the second node (rolled back there, kept on the first, apply exits
 * 1 naming it), `omnitron rollback`, and a rolling restart under a client loop that sees no failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodes, type NodeBed } from '../support/nodes/index.js';
import { describeRun, requireNode24, runCli, type CliResult } from './support/cli.js';
import { sshRun } from './support/ssh.js';
import { waitFor } from '../support/wait.js';

const prefix = `e2eroll${randomBytes(3).toString('hex')}`;
const PORT = 4170;
const UNHEALTHY_MARKER = '/var/tmp/omnitron-e2e-unhealthy';
let bed: NodeBed;
let root: string;
let dir: string;
let env: NodeJS.ProcessEnv;

type NodeName = 'a1' | 'a2';
const ssh = (name: NodeName, ...argv: string[]) => sshRun(bed.node(`${prefix}-${name}`), bed.privateKeyPath, argv);
const cli = (...args: string[]) => runCli([...args, '--stack', 'production', '--no-color'], { cwd: dir, env, timeoutMs: 240_000 });

function expectCode(r: CliResult, code: number): CliResult {
  expect(r.code, describeRun(r)).toBe(code);
  return r;
}

/** The config: `web` on both app nodes, two instances, a short startupTimeout so a bad release is rolled back soon. */
function config(project: string): string {
  return `const env = process.env;
const node = (name) => ({
  name, role: 'app', host: '127.0.0.1', address: env['ROLL_' + name.toUpperCase() + '_ADDRESS'],
  ssh: { user: 'root', port: Number(env['ROLL_' + name.toUpperCase() + '_SSH_PORT']), privateKey: env.ROLL_SSH_KEY },
});
export default {
  project: '${project}',
  apps: [{ name: 'web', script: './apps/web/server.mjs', instances: 2, startupTimeout: '15s', env: { PORT: '${PORT}' } }],
  monitoring: { healthCheck: { interval: 500, timeout: 1_000 } },
  stacks: { production: { type: 'cluster', nodes: [node('a1'), node('a2')], deploy: { limit: 1 } } },
};
`;
}

/**
 * One release of the app: answers its name on /, and /health with 200, or (when `checksMarker`) 500 on
 * a node where the marker file exists. Shuts down gracefully: requests in flight finish.
 */
function server(release: string, checksMarker: boolean): string {
  return `import http from 'node:http';
import { existsSync } from 'node:fs';
const release = ${JSON.stringify(release)};
const unhealthy = () => ${checksMarker ? `existsSync(${JSON.stringify(UNHEALTHY_MARKER)})` : 'false'};
const server = http.createServer((req, res) => {
  if (req.url === '/health') return res.writeHead(unhealthy() ? 500 : 200).end(unhealthy() ? 'unhealthy' : 'ok');
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ release, process: process.env.OMNITRON_PROCESS_NAME }));
});
server.keepAliveTimeout = 500;
server.listen(Number(process.env.PORT), '0.0.0.0');
process.on('SIGTERM', () => { server.close(() => process.exit(0)); server.closeIdleConnections(); });
`;
}

const writeRelease = (release: string, checksMarker = false) => writeFile(join(dir, 'apps/web/server.mjs'), server(release, checksMarker));

async function releaseOn(name: NodeName, port = PORT): Promise<string> {
  const r = await ssh(name, 'curl', '-sf', `http://127.0.0.1:${port}/`);
  expect(r.code, `${name}:${port} ${r.stderr}`).toBe(0);
  return (JSON.parse(r.stdout) as { release: string }).release;
}

const currentLink = async (name: NodeName) => (await ssh(name, 'readlink', '/opt/omnitron/apps/web/current')).stdout.trim();

describe('rolling deploys and rollback on two app nodes', () => {
  beforeAll(async () => {
    requireNode24();
    bed = await startNodes({ count: 2, namePrefix: prefix, names: ['a1', 'a2'] });
    root = await mkdtemp(join(tmpdir(), 'omnitron-e2e-rolling-'));
    dir = join(root, 'project');
    await mkdir(join(dir, 'apps/web'), { recursive: true });
    await writeFile(join(dir, 'omnitron.config.mjs'), config(`roll${randomBytes(3).toString('hex')}`));
    await writeRelease('one');
    env = {
      ...process.env, CI: 'true', HOME: root, OMNITRON_STATE_KEY_FILE: join(root, 'state.key'), ROLL_SSH_KEY: bed.privateKeyPath,
      ...Object.fromEntries(bed.nodes.flatMap((n) => {
        const key = n.name.slice(prefix.length + 1).toUpperCase();
        return [[`ROLL_${key}_SSH_PORT`, String(n.sshPort)], [`ROLL_${key}_ADDRESS`, n.address]];
      })),
    };
    delete env.OMNITRON_STATE_KEY;
  }, 180_000);

  afterAll(async () => {
    await bed?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('deploys the first release to both nodes, one after the other, as the plan says', async () => {
    const plan = expectCode(await cli('plan', '--trust-new-hosts'), 0);
    expect(plan.stdout).toContain('  # web: a1, then a2');
    expectCode(await cli('apply', '--auto-approve', '--trust-new-hosts'), 0);
    for (const name of ['a1', 'a2'] as const) {
      expect(await releaseOn(name, PORT)).toBe('one');
      expect(await releaseOn(name, PORT + 1)).toBe('one');
    }
    expectCode(await cli('plan', '--detailed-exitcode'), 0);
  }, 300_000);

  it('rolls a release that is not healthy on the second node back there, keeps it on the first, and fails naming both', async () => {
    expect((await ssh('a2', 'touch', UNHEALTHY_MARKER)).code).toBe(0);
    const before = await currentLink('a2');
    await writeRelease('two', true);

    const r = expectCode(await cli('apply', '--auto-approve'), 1);
    const output = r.stdout + r.stderr;
    expect(r.stdout).toContain('  # web: a1, then a2');
    expect(output, describeRun(r)).toContain('Error: systemd_service.a2.omnitron-agent: on node a2: the new release was rolled back:');
    expect(output, (await ssh('a2', 'tail', '-n', '20', '/var/log/omnitron/web/main.0.log')).stdout).toMatch(/web rolled back: new release [0-9a-f]{12} not ready: main\.0: not ready within 15000 ms \(last health answer: http 500\); runs release [0-9a-f]{12} again/);
    // The first node passed its health gate and keeps the new release; the second runs what it ran.
    expect(await releaseOn('a1')).toBe('two');
    expect(await releaseOn('a1', PORT + 1)).toBe('two');
    expect(await releaseOn('a2')).toBe('one');
    expect(await releaseOn('a2', PORT + 1)).toBe('one');
    expect(await currentLink('a2')).toBe(before);

    const releases = expectCode(await cli('releases', 'web'), 0);
    expect(releases.stdout).toMatch(/web on a2:\n.*\n {2}[0-9a-f]{12} +\S+ \S+ ago +current\n {2}[0-9a-f]{12} +\S+ \S+ ago +failed/);
    const plan = expectCode(await cli('plan', '--detailed-exitcode'), 2);
    expect(plan.stdout).toMatch(/app_release\.a2\.web: the config's release [0-9a-f]{12} differs from the release that runs, [0-9a-f]{12}/);
  }, 300_000);

  it('omnitron rollback switches the first node back too, health-gated, and the next plan says what differs', async () => {
    const r = expectCode(await cli('rollback', 'web'), 0);
    expect(r.stdout).toMatch(/web on a1: switching [0-9a-f]{12} → [0-9a-f]{12}\nweb on a1: runs [0-9a-f]{12}, healthy\nweb on a2: already runs [0-9a-f]{12}/);
    expect(await releaseOn('a1')).toBe('one');
    expect(await releaseOn('a1', PORT + 1)).toBe('one');
    expect(await currentLink('a1')).toBe(await currentLink('a2'));
    const plan = expectCode(await cli('plan', '--detailed-exitcode'), 2);
    expect(plan.stdout).toMatch(/# app_release\.a1\.web will be updated in-place\n {2}# \(the config's release [0-9a-f]{12} differs from the release that runs, [0-9a-f]{12}\)|the config's release/);
    expect((await cli('releases', 'web')).stdout).toMatch(/web on a1:\n.*\n {2}[0-9a-f]{12} +\S+ \S+ ago +current/);
  }, 300_000);

  it('a client loop against the two instances sees no failed request during a rolling restart', async () => {
    expect((await ssh('a2', 'rm', '-f', UNHEALTHY_MARKER)).code).toBe(0);
    await writeRelease('three');
    // As a load balancer in front of both instances would: each request to the next port, to the other when that one fails.
    const loop = [
      'ok=0; failed=0; three=0; i=0',
      `while [ ! -e /tmp/stop-client-loop ]; do`,
      `  a=$((${PORT} + i % 2)); b=$((${PORT} + (i + 1) % 2)); i=$((i + 1))`,
      '  if body=$(curl -sf --max-time 2 "http://127.0.0.1:$a/" || curl -sf --max-time 2 "http://127.0.0.1:$b/"); then ok=$((ok + 1)); case $body in *three*) three=$((three + 1));; esac; else failed=$((failed + 1)); fi',
      'done',
      'echo "ok=$ok failed=$failed three=$three" > /tmp/client-loop.result',
    ].join('\n');
    expect((await ssh('a1', 'bash', '-c', 'rm -f /tmp/stop-client-loop /tmp/client-loop.result; nohup bash -c "$1" client-loop >/dev/null 2>&1 </dev/null &', 'launch', loop)).code).toBe(0);

    expectCode(await cli('apply', '--auto-approve'), 0);
    expect((await ssh('a1', 'touch', '/tmp/stop-client-loop')).code).toBe(0);
    const result = await waitFor(async () => {
      const r = await ssh('a1', 'cat', '/tmp/client-loop.result');
      return r.code === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
    }, 'the client loop result', 20_000, 250);
    const counts = Object.fromEntries(result.split(' ').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
    expect(counts.failed, result).toBe(0);
    expect(counts.ok, result).toBeGreaterThan(0);
    expect(counts.three, result).toBeGreaterThan(0);
    for (const name of ['a1', 'a2'] as const) expect(await releaseOn(name, PORT + 1)).toBe('three');
    expectCode(await cli('plan', '--detailed-exitcode'), 0);
  }, 300_000);
});
