/**
 * Scenarios 5 and 6: the state lock (a second apply fails fast naming the holder; a lock held by a
 * live process is refused until force-unlock) and crash safety (kill -9 mid-apply, then recover).
 * The `it`s run in order and share one stack on purpose: one apply from nothing serves the file.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, requireNode24 } from './support/cli.js';
import { docker, inspectContainer } from './support/docker.js';
import { SERVICES, createProject, type E2eProject } from './support/project.js';
import { applyOk, expectExit, expectNoChanges } from './support/expect-cli.js';

interface LockFile { id: string; holder: string; host: string; pid: number; operation: string; createdAt: string }

describe('locking and crash safety', () => {
  let p: E2eProject;

  beforeAll(async () => {
    requireNode24();
    p = await createProject();
  });
  afterAll(async () => { await p?.cleanup(); });

  /** Removed containers make the next apply recreate all three and wait for their health checks. */
  const removeContainers = () => docker('rm', '-f', '-v', ...SERVICES.map((s) => p.containerName(s)));

  const readLock = async () => JSON.parse(await readFile(p.lockPath, 'utf8')) as LockFile;

  it('applies the stack from nothing', async () => {
    await applyOk(p);
    expect(existsSync(p.lockPath)).toBe(false);
  });

  it('a second apply fails fast while the first holds the lock; the first completes', async () => {
    await removeContainers();
    // --parallelism 1 recreates the containers one after another, so the first apply holds the lock for a while.
    const first = p.start('apply', '--auto-approve', '--parallelism', '1');
    await waitFor(() => existsSync(p.lockPath), 20_000, 'the first apply to take the lock');
    const lock = await readLock();
    expect(lock.pid).toBe(first.child.pid);

    const second = expectExit(await p.run('apply', '--auto-approve'), 1);
    expect(first.child.exitCode, 'the first apply was still running when the second one gave up').toBeNull();
    expect(second.elapsedMs).toBeLessThan(5_000);
    expect(second.stderr).toContain(lock.holder);
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
    expect(second.stderr).toContain(`force-unlock ${lock.id}`);
    expect(second.stdout).not.toMatch(/Creating|Modifying/);

    const done = await first.done;
    expect(done.code, describeRun(done)).toBe(0);
    expect(done.stdout).toMatch(/Apply complete! Resources: 3 added, 0 changed, 0 destroyed\./);
    expect(existsSync(p.lockPath)).toBe(false);
    for (const s of SERVICES) expect((await inspectContainer(p.containerName(s))).State.Health?.Status, s).toBe('healthy');
    await expectNoChanges(p);
  });

  it('refuses a lock held by a live process until force-unlock with its id', async () => {
    const lock: LockFile = {
      id: `e2e-${Date.now()}`, holder: `${userInfo().username}@${hostname()}`, host: hostname(),
      pid: process.pid, operation: 'apply', createdAt: new Date().toISOString(),
    };
    await writeFile(p.lockPath, `${JSON.stringify(lock, null, 2)}\n`, { mode: 0o600 });
    await docker('stop', p.containerName('redis'));

    const refused = expectExit(await p.run('apply', '--auto-approve'), 1);
    expect(refused.stderr).toContain(lock.id);
    expect(refused.stderr).toContain(`pid ${process.pid}`);
    expect(refused.stderr).toContain('force-unlock');
    expect((await inspectContainer(p.containerName('redis'))).State.Running).toBe(false);
    expect(await readLock()).toEqual(lock);

    const wrong = expectExit(await p.run('force-unlock', 'not-the-id'), 1);
    expect(wrong.stderr).toContain(lock.id);
    expect(await readLock()).toEqual(lock);

    const unlocked = expectExit(await p.run('force-unlock', lock.id), 0);
    expect(unlocked.stdout).toContain(lock.id);
    expect(existsSync(p.lockPath)).toBe(false);
    const applied = await applyOk(p);
    expect(applied.stdout).toContain('docker_container.redis');
    expect((await inspectContainer(p.containerName('redis'))).State.Running).toBe(true);
  });

  it('recovers from kill -9 in the middle of an apply', async () => {
    await removeContainers();
    const crashing = p.start('apply', '--auto-approve');
    await crashing.waitForOutput(/Creation complete/m, 60_000);
    const pid = crashing.child.pid;
    crashing.child.kill('SIGKILL');
    expect((await crashing.done).signal).toBe('SIGKILL');
    expect((await readLock()).pid, 'the killed apply leaves its lock behind').toBe(pid);
    expect(await stateIsJson(p), 'state right after the kill').toBe(true);

    const r = expectExit(await p.run('apply', '--auto-approve'), 0);
    expect(r.stderr).toMatch(new RegExp(`took over a stale state lock .*pid ${pid}`));
    // Docker finishes creating containers the killed process had asked for, so there may be nothing left to do.
    expect(r.stdout).toMatch(/Apply complete! Resources: \d+ added, \d+ changed, \d+ destroyed\.|No changes\./);
    expect(existsSync(p.lockPath)).toBe(false);
    await expectNoChanges(p);
    expect(await stateIsJson(p), 'state after recovery').toBe(true);
    const debris = (await readdir(p.stackDir)).filter((n) => n.endsWith('.tmp') || n.includes('stale'));
    expect(debris).toEqual([]);
    for (const s of SERVICES) expect((await inspectContainer(p.containerName(s))).State.Health?.Status, s).toBe('healthy');
  });

  it('a second Ctrl-C quits at once and releases the lock; the next apply converges', async () => {
    await removeContainers();
    const first = p.start('apply', '--auto-approve', '--parallelism', '1');
    await first.waitForOutput(/Creating\.\.\./m, 60_000);
    first.child.kill('SIGINT');
    await first.waitForOutput(/Interrupt received/m, 10_000);
    first.child.kill('SIGINT');
    const done = await first.done;
    expect(done.code, describeRun(done)).toBe(130);
    expect(existsSync(p.lockPath), 'the lock after a second Ctrl-C').toBe(false);
    await applyOk(p);
    await expectNoChanges(p);
  });

  it('SIGHUP (the terminal went away) finishes the running steps and releases the lock', async () => {
    await removeContainers();
    const hung = p.start('apply', '--auto-approve', '--parallelism', '1');
    await hung.waitForOutput(/Creating\.\.\./m, 60_000);
    hung.child.kill('SIGHUP');
    const done = await hung.done;
    expect(done.signal, describeRun(done)).toBeNull();
    expect(done.code, describeRun(done)).toBe(1);
    expect(existsSync(p.lockPath), 'the lock after SIGHUP').toBe(false);
    expect(await stateIsJson(p)).toBe(true);
    await applyOk(p);
    await expectNoChanges(p);
  });

  it('after the crash, state records the containers that really run', async () => {
    for (const s of SERVICES) {
      const shown = expectExit(await p.run('state', 'show', `docker_container.${s}`), 0);
      const recorded = (JSON.parse(shown.stdout) as { id: string }).id;
      expect(recorded, `state id of docker_container.${s}`).toBe((await inspectContainer(p.containerName(s))).Id);
    }
  });

  it('state rm forgets a resource without touching it; the next apply finds it by its labels and records it again', async () => {
    const removed = expectExit(await p.run('state', 'rm', 'docker_container.redis'), 0);
    expect(removed.stdout).toContain('Removed docker_container.redis');
    expect(expectExit(await p.run('state', 'list'), 0).stdout).not.toContain('docker_container.redis');
    expect((await inspectContainer(p.containerName('redis'))).State.Running).toBe(true);
    const unknown = expectExit(await p.run('state', 'rm', 'docker_container.nope'), 1);
    expect(unknown.stderr).toContain('not in state: docker_container.nope');
    expect(existsSync(p.lockPath)).toBe(false);
    await applyOk(p);
    expect(expectExit(await p.run('state', 'list'), 0).stdout).toContain('docker_container.redis');
    await expectNoChanges(p);
  });
});

async function stateIsJson(p: E2eProject): Promise<boolean> {
  try {
    JSON.parse(await readFile(p.statePath, 'utf8'));
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
