/**
 * A team sharing one stack's state in Postgres (the built CLI, a real Postgres, a small project whose
 * stack is one Redis container): migrate from the file, a second checkout sees no changes, ten
 * processes race for the lock, a waiting apply, a holder killed with SIGKILL, a holder whose lock
 * connection the server terminates, and the way back to the file. The `it`s run in order and share
 * the stack on purpose.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, requireNode24, runCli, startCli, type CliResult } from './support/cli.js';
import { docker, inspectContainer, removeProjectObjects } from './support/docker.js';
import { expectExit } from './support/expect-cli.js';
import { freePorts } from './support/ports.js';
import { startStatePostgres, type StatePostgres } from '../support/state/postgres.js';

const HOLDER = fileURLToPath(new URL('../support/state/pg-lock-holder.mjs', import.meta.url));

interface Checkout { dir: string; run(...args: string[]): Promise<CliResult>; start(...args: string[]): ReturnType<typeof startCli> }
interface Holder { child: ChildProcess; line: Promise<{ locked?: { id: string; holder: string; pid: number }; refused?: string }> }

describe('shared state in Postgres', () => {
  let db: StatePostgres;
  let root: string;
  let project: string;
  let a: Checkout;
  let b: Checkout;
  const children: ChildProcess[] = [];
  const key = randomBytes(32).toString('hex');

  beforeAll(async () => {
    requireNode24();
    db = await startStatePostgres();
    root = await mkdtemp(join(tmpdir(), 'omnitron-shared-state-'));
    project = `stpg${randomBytes(3).toString('hex')}`;
    const [port] = await freePorts(1);
    a = await checkout(join(root, 'a'), {});
    b = await checkout(join(root, 'b'), { OMNITRON_STATE_URL: db.url });

    async function checkout(dir: string, extra: NodeJS.ProcessEnv): Promise<Checkout> {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'omnitron.config.ts'), `export default {
  project: '${project}',
  apps: [],
  infrastructure: { services: { cache: { preset: 'redis', image: 'omnitron-local/redis:7', ports: { main: ${port} } } } },
};
`);
      const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', OMNITRON_STATE_KEY: key, ...extra };
      delete env.OMNITRON_STATE_KEY_FILE;
      if (!extra.OMNITRON_STATE_URL) delete env.OMNITRON_STATE_URL;
      return {
        dir,
        run: (...args) => runCli(args, { cwd: dir, env }),
        start: (...args) => { const r = startCli(args, { cwd: dir, env }); children.push(r.child); return r; },
      };
    }
  }, 300_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    try {
      if (project) await removeProjectObjects(project);
    } finally {
      await db?.stop();
      if (root) await rm(root, { recursive: true, force: true });
    }
  });

  const serial = async () => Number((await db.sql<{ serial: string }>('SELECT serial FROM omnitron.states WHERE project = $1', [project]))[0]?.serial);
  const lockRow = async () => (await db.sql<{ id: string; backend_pid: number }>('SELECT id, backend_pid FROM omnitron.locks WHERE project = $1', [project]))[0];

  function holder(): Holder {
    const child = spawn(process.execPath, [HOLDER, db.url, project, 'dev'], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    const line = new Promise<Holder['line'] extends Promise<infer T> ? T : never>((done, fail) => {
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) done(JSON.parse(out.slice(0, out.indexOf('\n'))));
      });
      child.on('exit', (code) => fail(new Error(`lock holder exited with ${code} before answering: ${out}`)));
    });
    return { child, line };
  }

  const release = (h: Holder) => new Promise<void>((done) => { h.child.on('exit', () => done()); h.child.stdin!.end(); });

  it('migrates the file state of an applied stack to Postgres, with its history', async () => {
    expectExit(await a.run('apply', '--auto-approve'), 0);
    const migrated = expectExit(await a.run('state', 'migrate', '--to', db.url), 0);
    expect(migrated.stdout).toMatch(/Migrated the state of stack "dev" \(serial \d+, lineage [0-9a-f-]+, \d+ versions?\)/);
    expect(migrated.stdout + migrated.stderr).not.toContain(db.password);
    expect(await serial()).toBeGreaterThan(0);
    const stored = await db.sql<{ document: Buffer }>('SELECT document FROM omnitron.documents WHERE project = $1', [project]);
    expect(stored[0].document.toString()).toContain('"sealed"');
    // The generated Redis password is in the container's env, where it belongs, and nowhere in the database.
    const env = (await docker('container', 'inspect', '--format', '{{json .Config.Env}}', `${project}-dev-cache`));
    const password = (JSON.parse(env) as string[]).find((e) => e.startsWith('REDIS_PASSWORD='))!.slice('REDIS_PASSWORD='.length);
    expect(password.length).toBeGreaterThan(8);
    const leaks = await db.sql<{ n: string }>(`SELECT (SELECT count(*) FROM omnitron.documents WHERE position($2::bytea IN document) > 0)
      + (SELECT count(*) FROM omnitron.history WHERE position($2::bytea IN document) > 0)
      + (SELECT count(*) FROM omnitron.journal WHERE position($2::bytea IN entry) > 0) AS n, $1::text AS p`, [project, Buffer.from(password)]);
    expect(Number(leaks[0].n)).toBe(0);
  });

  it('a second checkout sharing the state plans no changes', async () => {
    const plan = expectExit(await b.run('plan', '--detailed-exitcode'), 0);
    expect(plan.stdout, describeRun(plan)).toContain('No changes.');
    const history = expectExit(await b.run('state', 'history'), 0);
    expect(history.stdout).toContain('postgres://postgres:***@127.0.0.1:');
    expect(history.stdout).not.toContain(db.password);
  });

  it('of ten processes racing for the lock exactly one holds it and nine are refused naming it; apply waits with --lock-wait', async () => {
    const racers = Array.from({ length: 10 }, holder);
    const answers = await Promise.all(racers.map((r) => r.line));
    const winners = racers.filter((_, i) => answers[i].locked);
    expect(winners).toHaveLength(1);
    const lock = answers.find((x) => x.locked)!.locked!;
    const refusals = answers.filter((x) => x.refused).map((x) => x.refused!);
    expect(refusals).toHaveLength(9);
    for (const message of refusals) expect(message).toContain(`locked by ${lock.holder} (pid ${lock.pid}) running "apply"`);

    const refused = expectExit(await b.run('apply', '--auto-approve'), 1);
    expect(refused.stderr).toMatch(new RegExp(`locked by .*\\(pid ${lock.pid}\\) running "apply" since .* \\(held \\d+`));
    expect(refused.stderr).toContain('--lock-wait');

    const waiting = b.start('apply', '--auto-approve', '--lock-wait', '2m');
    await waiting.waitForOutput(new RegExp(`Waiting for the state lock: held by .*\\(pid ${lock.pid}\\)`), 60_000);
    expect(waiting.child.exitCode).toBeNull();
    await release(winners[0]);
    const done = await waiting.done;
    expect(done.code, describeRun(done)).toBe(0);
    expect(done.stdout).toContain('No changes.');
    expect(await lockRow()).toBeUndefined();
  });

  it('a holder killed with SIGKILL loses the lock at once: the next apply proceeds, naming the dead holder', async () => {
    const dead = holder();
    const lock = (await dead.line).locked!;
    const { backend_pid: session } = await lockRow();
    dead.child.kill('SIGKILL');
    // The server notices the closed connection; wait for its session to end rather than for a time.
    while ((await db.sql('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [session])).length > 0) await new Promise((r) => setTimeout(r, 20));
    const next = expectExit(await b.run('apply', '--auto-approve'), 0);
    expect(next.stderr).toContain(`took over a stale state lock left by ${lock.holder} (pid ${lock.pid}, its database connection is gone)`);
    expect(await lockRow()).toBeUndefined();
  });

  it('an apply whose lock connection the server terminates stops before its next state write; the next apply converges', async () => {
    await docker('rm', '-f', '-v', `${project}-dev-cache`);
    const applying = b.start('apply', '--auto-approve', '--parallelism', '1');
    await applying.waitForOutput(/docker_container\.cache: Creating\.\.\./, 60_000);
    const { backend_pid: session } = await lockRow();
    await db.sql('SELECT pg_terminate_backend($1)', [session]);
    // Once its session is gone, whatever the apply wrote before (the create's intent) is all it ever writes.
    while ((await db.sql('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [session])).length > 0) await new Promise((r) => setTimeout(r, 20));
    const before = await serial();
    const done = await applying.done;
    expect(done.code, describeRun(done)).toBe(1);
    expect(done.stderr).toContain('lost the state lock for stack "dev"');
    expect(done.stderr).toContain('stopped before writing state');
    expect(await serial(), 'no state write after the lock was lost').toBe(before);

    const created = (await inspectContainer(`${project}-dev-cache`)).Id;
    const shown = JSON.parse(expectExit(await b.run('state', 'show', 'docker_container.cache'), 0).stdout) as { id: string };
    expect(shown.id, 'the container the fenced apply created is not recorded').not.toBe(created);
    const next = expectExit(await b.run('apply', '--auto-approve'), 0);
    expect(next.stderr).toContain('took over a stale state lock');
    expect(expectExit(await b.run('plan', '--detailed-exitcode'), 0).stdout).toContain('No changes.');
  });

  it('migrates back to the file: the first checkout receives what was applied meanwhile and plans no changes', async () => {
    const latest = await serial();
    const back = expectExit(await b.run('state', 'migrate', '--to', 'file'), 0);
    expect(back.stdout).toContain(`(serial ${latest}, lineage`);
    const same = expectExit(await a.run('state', 'migrate', '--to', 'file'), 1);
    expect(same.stderr).toContain('already lives at');
    // The first checkout's file holds the older serials of the same lineage: it receives only the newer ones.
    const migrated = await runCli(['state', 'migrate', '--to', 'file'], { cwd: a.dir, env: { ...process.env, CI: 'true', OMNITRON_STATE_KEY: key, OMNITRON_STATE_URL: db.url } });
    expect(migrated.code, describeRun(migrated)).toBe(0);
    expect(migrated.stdout).toContain(`(serial ${latest}, lineage`);
    const plan = expectExit(await a.run('plan', '--detailed-exitcode'), 0);
    expect(plan.stdout).toContain('No changes.');
    const history = expectExit(await a.run('state', 'history', '--json'), 0);
    const parsed = JSON.parse(history.stdout) as { current: { serial: number }; versions: Array<{ serial: number }> };
    expect(parsed.current.serial).toBe(latest);
    expect(parsed.versions.at(-1)?.serial).toBe(latest);
  });
});
