/**
 * Scenarios 1, 2, 3 and 9: apply from nothing, a clean second plan, out-of-band drift repaired, config
 * changes, --replace and --target. The `it`s run in order and share one stack on purpose: each step
 * starts from what the previous one left, so the whole file needs a single apply from nothing.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireNode24 } from './support/cli.js';
import { docker, inspectContainer } from './support/docker.js';
import { appHealth } from './support/app.js';
import { APPS, SERVICES, createProject, type E2eProject } from './support/project.js';
import {
  applyOk, changedResources, dependencyClosure, expectDrift, expectExit, expectNoChanges, expectOutput, parseGraph, parsePlanJson,
} from './support/expect-cli.js';

describe('lifecycle and drift', () => {
  let p: E2eProject;

  beforeAll(async () => {
    requireNode24();
    p = await createProject();
  });
  afterAll(async () => { await p?.cleanup(); });

  it('apply from nothing creates every resource', async () => {
    const r = expectExit(await p.run('apply', '--auto-approve'), 0);
    const planned = /Plan: (\d+) to add, 0 to change, 0 to destroy\./.exec(r.stdout);
    expect(planned, r.stdout).not.toBeNull();
    expect(r.stdout.trimEnd()).toMatch(new RegExp(`Apply complete! Resources: ${planned![1]} added, 0 changed, 0 destroyed\\.$`));
  });

  it('runs the three containers healthy, labelled, on 127.0.0.1 only', async () => {
    for (const service of SERVICES) {
      const c = await inspectContainer(p.containerName(service));
      expect(c.State.Running, service).toBe(true);
      expect(c.State.Health?.Status, service).toBe('healthy');
      const labels = c.Config.Labels ?? {};
      expect(labels).toMatchObject({
        'dev.omnitron.project': p.project, 'dev.omnitron.stack': 'dev', 'dev.omnitron.address': `docker_container.${service}`,
      });
      expect(Object.keys(labels)).not.toContain('omnitron.managed');
      for (const bindings of [c.HostConfig.PortBindings, c.NetworkSettings.Ports]) {
        const all = Object.values(bindings ?? {}).flatMap((b) => b ?? []);
        expect(all.length, `${service} publishes a port`).toBeGreaterThan(0);
        for (const b of all) expect(b, service).toEqual({ HostIp: '127.0.0.1', HostPort: String(p.ports[service]) });
      }
    }
  });

  it('writes every env file with mode 0600', async () => {
    for (const app of APPS) expect((await stat(p.envPath(app))).mode & 0o777, app).toBe(0o600);
  });

  it('wires ledger and realtime to real services with the generated credentials', async () => {
    const ledger = await appHealth(p, 'ledger');
    expect(ledger.status, JSON.stringify(ledger.body)).toBe(200);
    expect(ledger.body.checks).toEqual({ DATABASE_URL: 'ok (ledger@ledger)', REDIS_URL: 'ok' });
    const realtime = await appHealth(p, 'realtime');
    expect(realtime.status, JSON.stringify(realtime.body)).toBe(200);
    expect(realtime.body.checks).toEqual({ REDIS_URL: 'ok', DISCOVERY_REDIS_URL: 'ok', PUBSUB_URL: 'ok' });
    expect((await p.readEnv('realtime')).PUBSUB_URL).toContain(`@127.0.0.1:${p.ports.pubsub}/`);
  });

  it('a second plan finds nothing to do, as text and as JSON', async () => {
    await expectNoChanges(p);
    const plan = parsePlanJson(expectExit(await p.run('plan', '--json'), 0));
    expect(plan.format_version).toMatch(/^\d+\.\d+$/);
    expect(plan.resource_changes.length).toBeGreaterThan(20);
    for (const c of plan.resource_changes) expect(c.actions, c.address).toEqual(['no-op']);
  });

  it('drift: a stopped redis container is reported and restarted', async () => {
    await docker('stop', p.containerName('redis'));
    const r = await expectDrift(p, 'docker_container.redis');
    expect(r.stdout).toMatch(/Objects have changed outside of Omnitron:\n\s+# docker_container\.redis: /);
    expectOutput(await applyOk(p), 'docker_container.redis');
    expect((await inspectContainer(p.containerName('redis'))).State.Running).toBe(true);
    await expectNoChanges(p);
  });

  it('drift: a removed postgres container is recreated on the kept data volume', async () => {
    const before = await p.readEnv('ledger');
    const marker = `row-${Date.now()}`;
    await withLedgerDb(p, async (db) => {
      await db.query('CREATE TABLE e2e_marker (v text)');
      await db.query('INSERT INTO e2e_marker VALUES ($1)', [marker]);
    });
    const oldId = (await inspectContainer(p.containerName('postgres'))).Id;
    await docker('rm', '-f', p.containerName('postgres'));
    const r = await expectDrift(p, 'docker_container.postgres');
    expect(r.stdout).toMatch(/Objects have changed outside of Omnitron:\n(\s+# .*\n)*\s+# docker_container\.postgres: /);
    expectOutput(await applyOk(p), 'docker_container.postgres');
    expect((await inspectContainer(p.containerName('postgres'))).Id).not.toBe(oldId);
    expect(await p.readEnv('ledger')).toEqual(before);
    const ledger = await appHealth(p, 'ledger');
    expect(ledger.status, JSON.stringify(ledger.body)).toBe(200);
    expect(ledger.body.checks.DATABASE_URL).toBe('ok (ledger@ledger)');
    const rows = await withLedgerDb(p, (db) => db.query('SELECT v FROM e2e_marker').then((res) => res.rows as { v: string }[]));
    expect(rows).toEqual([{ v: marker }]);
    await expectNoChanges(p);
  });

  it('drift: a hand-edited env file is reported and restored', async () => {
    const original = await readFile(p.envPath('media'), 'utf8');
    await writeFile(p.envPath('media'), original.replace('LOG_LEVEL="debug"', 'LOG_LEVEL="trace"'));
    expect(await readFile(p.envPath('media'), 'utf8')).not.toBe(original);
    await expectDrift(p, 'env_file.media');
    expectOutput(await applyOk(p), 'env_file.media');
    expect(await readFile(p.envPath('media'), 'utf8')).toBe(original);
    expect((await stat(p.envPath('media'))).mode & 0o777).toBe(0o600);
    await expectNoChanges(p);
  });

  it('a config change updates env files, reloads the apps with them and touches no container', async () => {
    const ids = await containerIds(p);
    await p.editConfig((text) => replaceOnce(text, `LOG_LEVEL: 'debug'`, `LOG_LEVEL: 'info'`));
    const text = await expectDrift(p, 'env_file.');
    const changed = changedResources(parsePlanJson(expectExit(await p.run('plan', '--json'), 0)));
    expect(Object.keys(changed).sort(), text.stdout).toEqual([...APPS.map((a) => `env_file.${a}`), 'local_agent.apps'].sort());
    for (const actions of Object.values(changed)) expect(actions).toEqual(['update']);
    await applyOk(p);
    for (const app of APPS) expect((await p.readEnv(app)).LOG_LEVEL, app).toBe('info');
    expect(await containerIds(p)).toEqual(ids);
    await expectNoChanges(p);
  });

  it('--replace docker_container.redis makes a new container', async () => {
    const oldId = (await inspectContainer(p.containerName('redis'))).Id;
    const r = await applyOk(p, '--replace', 'docker_container.redis');
    expect(r.stdout).toMatch(/# docker_container\.redis will be replaced|-\/\+ resource "docker_container" "redis"/);
    const now = await inspectContainer(p.containerName('redis'));
    expect(now.Id).not.toBe(oldId);
    expect(now.State.Health?.Status).toBe('healthy');
    await expectNoChanges(p);
  });

  it('--target env_file.auth plans and applies only that file and its dependencies', async () => {
    const graph = parseGraph(expectExit(await p.run('graph'), 0).stdout);
    const closure = dependencyClosure(graph, 'env_file.auth');
    expect(closure.size).toBeGreaterThan(3);
    const auth = await readFile(p.envPath('auth'), 'utf8');
    const ledger = await readFile(p.envPath('ledger'), 'utf8');
    await writeFile(p.envPath('auth'), auth.replace('APP_NAME="auth"', 'APP_NAME="edited"'));
    await writeFile(p.envPath('ledger'), `${ledger}EXTRA="by hand"\n`);

    const plan = parsePlanJson(expectExit(await p.run('plan', '--json', '--target', 'env_file.auth'), 0));
    expect(new Set(plan.resource_changes.map((c) => c.address))).toEqual(closure);
    expect(changedResources(plan)).toEqual({ 'env_file.auth': ['update'] });
    const text = expectExit(await p.run('plan', '--detailed-exitcode', '--target', 'env_file.auth'), 2);
    expect(text.stdout).toContain('env_file.auth');
    expect(text.stdout).not.toContain('env_file.ledger');

    const applied = await applyOk(p, '--target', 'env_file.auth');
    expect(applied.stdout).not.toContain('env_file.ledger');
    expect(await readFile(p.envPath('auth'), 'utf8')).toBe(auth);
    expect(await readFile(p.envPath('ledger'), 'utf8')).toContain('EXTRA="by hand"');
    await expectDrift(p, 'env_file.ledger');
    await applyOk(p);
    expect(await readFile(p.envPath('ledger'), 'utf8')).toBe(ledger);
    await expectNoChanges(p);
  });
});

async function withLedgerDb<T>(p: E2eProject, use: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: (await p.readEnv('ledger')).DATABASE_URL, connectionTimeoutMillis: 5000 });
  await db.connect();
  try {
    return await use(db);
  } finally {
    await db.end();
  }
}

async function containerIds(p: E2eProject): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const s of SERVICES) ids[s] = (await inspectContainer(p.containerName(s))).Id;
  return ids;
}

function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`config no longer contains ${from}`);
  return text.replace(from, to);
}
