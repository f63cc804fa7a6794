/**
 * The `production` stack of examples/platform on three fresh nodes (Debian 12 with only systemd and
 * sshd, reached over SSH on 127.0.0.1; apt goes through the test bed's apt cache): Postgres on db,
 * Redis and realtime's pubsub on cache, the five apps on app, every package installed by the apply.
 * The `it`s share one stack and run in order: apply from nothing, independent checks over plain ssh,
 * no generated secret in any command line (sampled during the first apply), journal, log or state,
 * drift of each kind, a node stopped mid-apply, and a changed host key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateAgentKeyPair, signControlToken } from '../../contract/agent/control-token.js';
import { startNodes, type NodeBed } from '../support/nodes/index.js';
import { describeRun, requireNode24, runCli, type CliResult } from './support/cli.js';
import { createProject, type E2eProject } from './support/project.js';
import { sshRun } from './support/ssh.js';
import { docker } from './support/docker.js';
import { leakedSecrets } from './support/secrets.js';
import { sampleCommandLines, type CommandLineSamples } from './support/process-sampler.js';
import { parseEnv } from '../../contract/env-file-format.js';
import { waitFor } from '../support/wait.js';

let bed: NodeBed;
let p: E2eProject;
let duringFirstApply: CommandLineSamples;
const prefix = `e2ebm${randomBytes(3).toString('hex')}`;
const FIRST_APPLY_MS = 480_000;
const prod = (...args: string[]) => p.run(...args, '--stack', 'production');

function expectCode(r: CliResult, code: number): CliResult {
  expect(r.code, describeRun(r)).toBe(code);
  return r;
}

async function applyProd(...extra: string[]): Promise<CliResult> {
  const r = expectCode(await prod('apply', '--auto-approve', ...extra), 0);
  expect(r.stdout, describeRun(r)).toMatch(/Apply complete!|No changes\./);
  return r;
}

async function expectDriftOn(address: string): Promise<void> {
  const r = expectCode(await prod('plan', '--detailed-exitcode', '--no-color'), 2);
  expect(r.stdout, describeRun(r)).toContain(`# ${address} `);
}

async function expectClean(): Promise<void> {
  const r = expectCode(await prod('plan', '--detailed-exitcode'), 0);
  expect(r.stdout).toContain('No changes.');
}

type NodeName = 'db' | 'cache' | 'app' | 'app2';
const node = (name: NodeName) => bed.node(`${prefix}-${name}`);
const ssh = (name: NodeName, ...argv: string[]) => sshRun(node(name), bed.privateKeyPath, argv);

interface AppStatusDoc { name: string; state: string; restarts: number; processes: Array<{ pid?: number }> }
interface StatusDoc { agent: { pid: number }; apps: AppStatusDoc[] }
async function agentStatus(): Promise<StatusDoc> {
  return JSON.parse((await ssh('app', 'cat', '/var/lib/omnitron/agent/status.json')).stdout) as StatusDoc;
}


function pids(s: StatusDoc): Record<string, number | undefined> {
  return Object.fromEntries(s.apps.map((a) => [a.name, a.processes[0].pid]));
}

async function waitForStatus<T>(pick: (s: StatusDoc) => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = pick(await agentStatus());
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`agent status never matched: ${JSON.stringify((await agentStatus()).apps.map((a) => [a.name, a.state, a.restarts]))}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The stack's generated secrets, read where they are meant to be: the apps' env files and the Redis configs (the Postgres superuser's is only a verifier on the node). */
async function nodeSecrets(): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  for (const app of ['auth', 'media', 'analytics', 'ledger', 'realtime']) {
    const env = parseEnv((await ssh('app', 'cat', `/etc/omnitron/env/${app}.env`)).stdout);
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'DISCOVERY_REDIS_URL', 'PUBSUB_URL']) {
      if (env[key]) secrets.set(`${app}.env ${key} password`, decodeURIComponent(new URL(env[key]).password));
    }
    if (env.JWT_SECRET) secrets.set(`${app}.env JWT_SECRET`, env.JWT_SECRET);
  }
  for (const conf of ['redis.conf', 'redis-pubsub.conf']) {
    const pass = /^requirepass "?([^"\n]+)"?$/m.exec((await ssh('cache', 'cat', `/etc/redis/${conf}`)).stdout)?.[1];
    if (pass) secrets.set(`cache ${conf} requirepass`, pass);
  }
  expect([...secrets.keys()]).toEqual(expect.arrayContaining(['ledger.env DATABASE_URL password', 'auth.env JWT_SECRET', 'cache redis.conf requirepass', 'cache redis-pubsub.conf requirepass']));
  for (const [name, value] of secrets) expect(value.length, name).toBeGreaterThanOrEqual(16);
  return secrets;
}

describe('production stack on bare-metal nodes', () => {
  beforeAll(async () => {
    requireNode24();
    // app2 joins the stack later, to show two app nodes in discovery.
    bed = await startNodes({ count: 4, namePrefix: prefix, names: ['db', 'cache', 'app', 'app2'], fresh: true });
    p = await createProject();
    Object.assign(p.env, {
      HOME: p.root, // no ~/.ssh/known_hosts: the first apply trusts new hosts explicitly
      PLATFORM_SSH_KEY: bed.privateKeyPath,
      ...Object.fromEntries(bed.nodes.flatMap((n) => {
        const key = n.name.slice(prefix.length + 1).toUpperCase();
        return [[`PLATFORM_${key}_HOST`, '127.0.0.1'], [`PLATFORM_${key}_SSH_PORT`, String(n.sshPort)], [`PLATFORM_${key}_ADDRESS`, n.address]];
      })),
    });
  });

  afterAll(async () => {
    await p?.cleanup();
    await bed?.stop();
  });

  it('the nodes are fresh: no database, no Redis, no Node, no service accounts', async () => {
    for (const [name, pkg] of [['db', 'postgresql'], ['cache', 'redis-server'], ['app', 'nodejs']] as const) {
      expect((await ssh(name, 'sh', '-c', `dpkg-query -W -f='\${Status}' ${pkg} 2>/dev/null | grep -q 'ok installed' && echo installed || echo absent`)).stdout.trim(), `${pkg} on ${name}`).toBe('absent');
    }
    for (const [name, user] of [['db', 'postgres'], ['cache', 'redis'], ['app', 'omnitron']] as const) {
      expect((await ssh(name, 'sh', '-c', `getent passwd ${user} || echo none`)).stdout.trim(), `${user} on ${name}`).toBe('none');
    }
  });

  it('refuses unknown hosts until told to trust them, naming the fingerprint', async () => {
    const r = expectCode(await prod('plan'), 1);
    expect(r.stderr).toContain(node('db').hostKeyFingerprint);
    expect(r.stderr).toMatch(/--trust-new-hosts|hostKey/);
  });

  it('applies the stack from nothing: packages, accounts, health-gated services, apps', async () => {
    const started = Date.now();
    const sampler = sampleCommandLines();
    let r: CliResult;
    try {
      // apt installs Postgres and Redis first: on a loaded machine (or with a cold apt cache) that takes minutes.
      r = expectCode(await runCli(['apply', '--auto-approve', '--trust-new-hosts', '--stack', 'production'], { cwd: p.dir, env: p.env, timeoutMs: FIRST_APPLY_MS }), 0);
    } finally {
      duringFirstApply = await sampler.stop();
    }
    console.log(`first apply of the production stack on fresh nodes: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(r.stdout).toMatch(/ssh_known_host\.db/);
    // The pubsub Redis was installed by the apply, its version checked after that, and it answered its health check before the apps started.
    expect(r.stdout).toMatch(/version_check\.cache\.pubsub: Creation complete/);
    expect(r.stdout.indexOf('systemd_service.cache.pubsub: Creation complete')).toBeLessThan(r.stdout.indexOf('systemd_service.app.omnitron-agent: Creation complete'));
    for (const [name, pkg] of [['db', 'postgresql'], ['cache', 'redis-server']] as const) {
      expect((await ssh(name, 'dpkg-query', '-W', '-f=${Status}', pkg)).stdout, `${pkg} on ${name}`).toBe('install ok installed');
    }
    expect((await ssh('cache', 'sh', '-c', 'redis-cli -p 6380 ping 2>&1')).stdout).toMatch(/NOAUTH|PONG/);
  }, FIRST_APPLY_MS + 30_000);

  it('independent checks over plain ssh see units, databases and a working app', async () => {
    expect((await ssh('app', 'systemctl', 'is-active', 'omnitron-agent.service')).stdout.trim()).toBe('active');
    const status = await agentStatus();
    expect(status.apps.map((a) => [a.name, a.state])).toEqual(['auth', 'media', 'analytics', 'ledger', 'realtime'].map((a) => [a, 'running']));
    for (const port of [3101, 3102, 3103, 3104, 3105]) {
      expect(JSON.parse((await ssh('app', 'curl', '-s', `http://127.0.0.1:${port}/health`)).stdout).ok, `app on ${port}`).toBe(true);
    }
    const users = await ssh('app', 'ps', '-o', 'user=', '-p', String(status.apps[0].processes[0].pid));
    expect(users.stdout.trim()).toBe('omnitron');
    expect((await ssh('db', 'systemctl', 'is-active', 'postgresql@15-main.service')).stdout.trim()).toBe('active');
    expect((await ssh('cache', 'systemctl', 'is-active', 'redis-server.service')).stdout.trim()).toBe('active');
    expect((await ssh('cache', 'systemctl', 'is-active', 'redis-server@pubsub.service')).stdout.trim()).toBe('active');
    const dbs = await ssh('db', 'runuser', '-u', 'postgres', '--', 'psql', '-Atc', 'SELECT datname FROM pg_database ORDER BY 1');
    for (const db of ['analytics', 'auth', 'ledger', 'media']) expect(dbs.stdout.split('\n')).toContain(db);
    const health = await ssh('app', 'curl', '-s', 'http://127.0.0.1:3104/health');
    const body = JSON.parse(health.stdout) as { ok: boolean; checks: Record<string, string> };
    expect(body.ok, health.stdout).toBe(true);
    expect(body.checks.DATABASE_URL).toMatch(/^ok \(ledger@ledger\)/);
    // ledger runs unbundled: its release carries the node_modules its workspace lockfile pins.
    const shipped = await ssh('app', 'ls', '/opt/omnitron/apps/ledger/current/node_modules', '/opt/omnitron/apps/ledger/current/node_modules/@platform');
    expect(shipped.stdout).toMatch(/^ioredis$/m);
    expect(shipped.stdout).toMatch(/^auth-utils$/m);
    expect((await ssh('app', 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', 'http://127.0.0.1:3104/entries')).stdout).toBe('401');
    const env = await ssh('app', 'stat', '-c', '%a %U', '/etc/omnitron/env/ledger.env');
    expect(env.stdout.trim()).toBe('600 root');
    const url = (await ssh('app', 'grep', '^DATABASE_URL=', '/etc/omnitron/env/ledger.env')).stdout;
    expect(url).toContain(`@${node('db').address}:5432/ledger`);
  });

  it('no generated secret is in any command line during the first apply, on a node, in its journal or logs, or in state', async () => {
    const secrets = await nodeSecrets();
    // The node containers share this machine's kernel: the sampler saw the commands run on them over SSH.
    expect([...duringFirstApply.lines].some((l) => l.includes('omnitron-probe')), 'the probe on the nodes was sampled').toBe(true);
    expect(leakedSecrets([...duringFirstApply.lines].join('\n'), secrets), 'every command line during the first apply').toEqual([]);
    for (const name of ['db', 'cache', 'app'] as const) {
      const ps = await docker('exec', node(name).container, 'ps', '-eo', 'user,args');
      expect(ps).toMatch(name === 'db' ? /postgres/ : name === 'cache' ? /redis-server/ : /omnitron\s.*\/bin\/node/);
      expect(leakedSecrets(ps, secrets), `ps on ${name}`).toEqual([]);
      const logs = await ssh(name, 'sh', '-c', 'journalctl --no-pager -o cat; cat /var/log/omnitron/*/*.log /var/log/postgresql/*.log /var/log/redis/*.log /etc/omnitron/agent/manifest.json /var/lib/omnitron/agent/status.json 2>/dev/null; true');
      expect(logs.stdout.length).toBeGreaterThan(1_000);
      expect(leakedSecrets(logs.stdout, secrets), `journal, logs and agent files on ${name}`).toEqual([]);
    }
    const stateDir = join(p.dir, '.omnitron', 'production');
    expect(leakedSecrets((await readFile(join(stateDir, 'state.json'))).toString('latin1'), secrets), 'state.json').toEqual([]);
    expect(leakedSecrets(p.transcript.join('\n'), secrets), 'CLI output').toEqual([]);
  });

  it('omnitron status asks the agent over SSH and lists every app', async () => {
    const r = expectCode(await prod('status', '--no-color'), 0);
    for (const app of ['auth', 'media', 'analytics', 'ledger', 'realtime']) expect(r.stdout).toMatch(new RegExp(`^\\s*${app}\\s+running\\s+\\d+`, 'm'));
    const doc = JSON.parse(expectCode(await prod('status', '--json'), 0).stdout) as { targets: Array<{ target: string; reachable: boolean; apps: Array<{ name: string; state: string }> }> };
    expect(doc.targets.map((t) => [t.target, t.reachable, t.apps.length])).toEqual([['app', true, 5]]);
    const logs = expectCode(await prod('logs', 'ledger', '-n', '5'), 0);
    expect(logs.stdout.trim().split('\n').length).toBeGreaterThan(0);
  });

  it('a second plan is empty', async () => {
    await expectClean();
  });

  it('another state (a second checkout) refuses the nodes\' omnitron objects, naming the state that made them', async () => {
    const state = join(p.dir, '.omnitron', 'production', 'state.json');
    const { lineage } = JSON.parse(await readFile(state, 'utf8')) as { lineage: string };
    await rename(state, `${state}.first`);
    try {
      const r = expectCode(await prod('plan', '--trust-new-hosts'), 1);
      const who = `stamped by omnitron project "${p.project}", stack "production", state lineage ${lineage}`;
      expect(r.stderr).toContain(`node_user.app.omnitron: node user "omnitron" already exists and is ${who}`);
      expect(r.stderr).toContain(`systemd_unit.app.omnitron-agent: systemd unit "omnitron-agent.service" already exists and is ${who}`);
      // A package's config file this state took over carries its marker too: the second state is refused it as well.
      expect(r.stderr).toContain(`node_file.cache.redis_conf: node file "/etc/redis/redis.conf" already exists and is ${who}`);
    } finally {
      await rename(`${state}.first`, state);
    }
    await expectClean();
  });

  it('an app killed with SIGKILL is restarted by the agent, and the plan stays clean', async () => {
    const before = (await agentStatus()).apps.find((a) => a.name === 'media')!;
    await ssh('app', 'kill', '-9', String(before.processes[0].pid));
    const after = await waitForStatus((s) => {
      const media = s.apps.find((a) => a.name === 'media')!;
      return media.state === 'running' && media.restarts > before.restarts ? media : undefined;
    });
    expect(after.processes[0].pid).not.toBe(before.processes[0].pid);
    expect(JSON.parse((await ssh('app', 'curl', '-s', 'http://127.0.0.1:3102/health')).stdout).ok).toBe(true);
    await expectClean();
  });

  it('an agent upgrade restarts no app: the new agent adopts them all', async () => {
    const before = await agentStatus();
    const upgraded = join(p.root, 'agent-next.bundle.mjs');
    await writeFile(upgraded, `${await readFile(new URL('../../dist/runtime/agent.bundle.mjs', import.meta.url), 'utf8')}\n// the next agent build\n`);
    p.env.OMNITRON_AGENT_BUNDLE = upgraded;
    const plan = expectCode(await prod('plan', '--detailed-exitcode', '--no-color'), 2);
    expect(plan.stdout).toContain('# node_artifact.app.agent will be updated in-place');
    await applyProd();
    const after = await waitForStatus((s) => (s.agent.pid !== before.agent.pid && s.apps.every((a) => a.state === 'running') ? s : undefined));
    expect(after.apps.map((a) => [a.name, a.processes[0].pid])).toEqual(before.apps.map((a) => [a.name, a.processes[0].pid]));
    expect((await ssh('app', 'journalctl', '-u', 'omnitron-agent', '--no-pager', '-o', 'cat')).stdout).toMatch(/"msg":"adopted".*"app":"ledger"/);
    await expectClean();
  });

  it('refuses a control request with a forged token', async () => {
    const forged = await signControlToken((await generateAgentKeyPair()).privateJwk, { node: 'app', action: 'status' });
    const r = await ssh('app', 'sh', '-c', 'printf %s "$1" | /opt/omnitron/node/*/bin/node /opt/omnitron/runtime/agent.mjs client status --socket /run/omnitron/agent.sock', 'sh', forged);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"status":401');
    expect(r.stdout).toBe('');
  });

  it('a release that crashes before ready is rolled back at once; apply names it and the plan says another release runs', async () => {
    const main = join(p.dir, 'apps/ledger/dist/main.js');
    const good = await readFile(main, 'utf8');
    await writeFile(main, "console.error('ledger: cannot start: LEDGER_SIGNING_KEY is not set'); process.exit(3);\n");
    const failed = expectCode(await prod('apply', '--auto-approve', '--no-color'), 1);
    expect(failed.stdout + failed.stderr).toMatch(/on node app: the new release was rolled back:\s+ledger rolled back: new release ([0-9a-f]{12}) not ready: http: exited with code 3 before ready; runs release ([0-9a-f]{12}) again/);
    // The old release serves again: nothing is left down.
    await waitForStatus((s) => (s.apps.every((a) => a.state === 'running') ? true : undefined));
    const plan = expectCode(await prod('plan', '--detailed-exitcode', '--no-color'), 2);
    expect(plan.stdout).toMatch(/# app_release\.app\.ledger will be updated in-place \(the config's release [0-9a-f]{12} differs from the release that runs, [0-9a-f]{12}\)/);
    const logs = await ssh('app', 'cat', '/var/log/omnitron/ledger/http.log');
    expect(logs.stdout).toContain('LEDGER_SIGNING_KEY is not set');
    await writeFile(main, good);
    await applyProd();
    await waitForStatus((s) => (s.apps.every((a) => a.state === 'running') ? true : undefined));
    await expectClean();
  });

  it('drift: an edited unit file', async () => {
    await ssh('app', 'sh', '-c', 'echo "# edited by hand" >> /etc/systemd/system/omnitron-agent.service');
    await expectDriftOn('systemd_unit.app.omnitron-agent');
    await applyProd();
    await expectClean();
  });

  it('drift: a stopped agent', async () => {
    await ssh('app', 'systemctl', 'stop', 'omnitron-agent.service');
    await expectDriftOn('systemd_service.app.omnitron-agent');
    await applyProd();
    expect((await ssh('app', 'systemctl', 'is-active', 'omnitron-agent.service')).stdout.trim()).toBe('active');
    await expectClean();
  });

  it('drift: a changed env file is repaired without restarting anything (the agent never loaded it)', async () => {
    const before = await agentStatus();
    await ssh('app', 'sed', '-i', 's/^LOG_LEVEL=.*/LOG_LEVEL="trace"/', '/etc/omnitron/env/media.env');
    await expectDriftOn('node_env_file.app.media');
    await applyProd();
    await expectClean();
    expect(pids(await agentStatus())).toEqual(pids(before));
  });

  it('an app whose config changed is the only one restarted', async () => {
    const before = await agentStatus();
    await p.editConfig((text) => text.replace(/(name: 'media'[^\n]*env: \{ )/, "$1MEDIA_QUALITY: 'high', "));
    await applyProd();
    const after = await agentStatus();
    const changed = Object.entries(pids(after)).filter(([app, pid]) => pids(before)[app] !== pid).map(([app]) => app);
    expect(changed).toEqual(['media']);
    expect((await ssh('app', 'grep', '^MEDIA_QUALITY=', '/etc/omnitron/env/media.env')).stdout.trim()).toBe('MEDIA_QUALITY="high"');
    await expectClean();
  });

  it('drift: a deleted user', async () => {
    await ssh('app', 'userdel', '-f', 'omnitron');
    await expectDriftOn('node_user.app.omnitron');
    await applyProd();
    await expectClean();
  });

  it('a node stopped mid-apply fails clearly, the rest is recorded, and a re-run converges', async () => {
    // Work on two nodes: db restarts postgres, app rewrites env files and restarts apps. One step at a
    // time, db's comes first; the app node goes away while it runs.
    await ssh('db', 'systemctl', 'stop', 'postgresql@15-main.service');
    await p.editConfig((text) => text.replace("settings: { env: { LOG_LEVEL: 'info' } }", "settings: { env: { LOG_LEVEL: 'warn' } }"));
    const running = p.start('apply', '--auto-approve', '--parallelism', '1', '--stack', 'production');
    await running.waitForOutput(/systemd_service\.db\.postgresql: Modifying/);
    await bed.halt(node('app').name);
    const r = await running.done;
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/Error: \S+\.app\.\S+: .*node app/);
    expect(r.stdout).toContain('systemd_service.db.postgresql: Modifications complete');
    const shown = await prod('state', 'show', 'systemd_service.db.postgresql');
    expect(shown.stdout).toContain('"active": true');
    const back = await bed.restart(node('app').name);
    Object.assign(p.env, { PLATFORM_APP_SSH_PORT: String(back.sshPort), PLATFORM_APP_ADDRESS: back.address });
    await applyProd();
    await expectClean();
    expect((await ssh('app', 'grep', '^LOG_LEVEL=', '/etc/omnitron/env/auth.env')).stdout.trim()).toBe('LOG_LEVEL="warn"');
  });

  it('discovery: both app nodes register their services; a node whose agent stops heartbeating drops out within the TTL', async () => {
    await p.editConfig((text) => text.replace("node('app', 'app')]", "node('app', 'app'), node('app2', 'app')]"));
    await applyProd('--trust-new-hosts');
    const ls = async (...extra: string[]) => JSON.parse(expectCode(await prod('discovery', 'ls', '--json', ...extra), 0).stdout) as { nodes: Array<{ node_id: string; address: string; services: Array<{ name: string; version?: string }> }> };
    const ids = (doc: Awaited<ReturnType<typeof ls>>) => doc.nodes.map((n) => n.node_id).sort();
    const both = [`${p.project}.production.app`, `${p.project}.production.app2`];
    const listed = await waitFor(async () => { const doc = await ls(); return ids(doc).length === 2 ? doc : undefined; }, 'both app nodes in discovery', 15_000, 500);
    expect(ids(listed)).toEqual(both);
    expect(listed.nodes.find((n) => n.node_id === both[0])).toMatchObject({
      address: `${node('app').address}:9700`,
      services: [{ name: 'auth', version: '1.0.0' }, { name: 'media', version: '1.0.0' }, { name: 'realtime', version: '1.0.0' }],
    });
    expect(ids(await ls('--service', 'media@1.0.0'))).toEqual(both);
    expect(ids(await ls('--service', 'media@2.0.0'))).toEqual([]);

    // A frozen agent sends no heartbeat (its apps keep running): peers stop seeing the node within heartbeatTTL + one interval.
    const agentPid = (await ssh('app2', 'systemctl', 'show', '-p', 'MainPID', '--value', 'omnitron-agent')).stdout.trim();
    await ssh('app2', 'kill', '-STOP', agentPid);
    const frozenAt = Date.now();
    await waitFor(async () => (ids(await ls()).length === 1 ? true : undefined), 'app2 to drop out of discovery', 25_000, 500);
    const goneAfter = Date.now() - frozenAt;
    console.log(`discovery: node with a frozen agent gone after ${(goneAfter / 1000).toFixed(1)} s (TTL 15 s, interval 5 s)`);
    expect(goneAfter).toBeLessThanOrEqual(20_000 + 2_000);
    expect(ids(await ls())).toEqual([both[0]]);
    await ssh('app2', 'kill', '-CONT', agentPid);
    await waitFor(async () => (ids(await ls()).length === 2 ? true : undefined), 'app2 back in discovery', 15_000, 500);

    // A graceful stop deregisters at once.
    await ssh('app2', 'systemctl', 'stop', 'omnitron-agent');
    expect(ids(await ls())).toEqual([both[0]]);
    await ssh('app2', 'systemctl', 'start', 'omnitron-agent');
    await waitFor(async () => (ids(await ls()).length === 2 ? true : undefined), 'app2 back in discovery', 15_000, 500);
    await expectClean();
  });

  it('a changed host key is refused', async () => {
    await bed.recreate(node('cache').name);
    const r = expectCode(await prod('plan'), 1);
    expect(r.stderr).toMatch(/HOST KEY CHANGED|changed/i);
    expect(r.stderr).toContain('cache');
  });
});
