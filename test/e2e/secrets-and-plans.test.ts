/**
 * Scenarios 4, 7 and 8: approval without a terminal, saved plans (exact, and refused when stale), and
 * that no generated secret shows up anywhere it should not: CLI output, state, saved plans, docker
 * labels, `docker inspect` (but the env the images read), container logs, the agent's and the apps'
 * logs and files, and the command line of every process on the machine during the first apply. The
 * `it`s run in order and share one stack on purpose (one apply from nothing for the file); the secrets
 * check comes last so it covers every command the file ran.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireNode24 } from './support/cli.js';
import { allProjectLabels, containerLogs, docker, inspectContainer } from './support/docker.js';
import { SERVICES, createProject, type E2eProject } from './support/project.js';
import { sampleCommandLines, type CommandLineSamples } from './support/process-sampler.js';
import { collectSecrets, leakedSecrets } from './support/secrets.js';
import { applyOk, expectDrift, expectExit, expectNoChanges, expectOutput, parsePlanJson } from './support/expect-cli.js';

describe('secrets and saved plans', () => {
  let p: E2eProject;
  const secrets = new Map<string, string>();
  const planFiles: string[] = [];
  let duringApply: CommandLineSamples;

  beforeAll(async () => {
    requireNode24();
    p = await createProject();
  });
  afterAll(async () => { await p?.cleanup(); });

  const redis = () => inspectContainer(p.containerName('redis'));

  it('applies the stack from nothing', async () => {
    const sampler = sampleCommandLines();
    try {
      await applyOk(p);
    } finally {
      duringApply = await sampler.stop();
    }
    const seen = [...duringApply.lines];
    expect(seen.some((l) => l.includes('dist/cli/main.js apply')), 'the sampler saw the apply').toBe(true);
    expect(seen.some((l) => /\bpostgres\b/.test(l) && !l.includes('main.js')), 'and the processes in its containers').toBe(true);
    for (const [k, v] of await collectSecrets(p)) secrets.set(k, v);
    expect(secrets.size).toBeGreaterThanOrEqual(10);
  });

  it('apply without a terminal and without --auto-approve refuses and changes nothing', async () => {
    await docker('stop', p.containerName('redis'));
    const state = await readFile(p.statePath);
    const r = expectExit(await p.run('apply'), 1);
    expect(r.stderr).toContain('--auto-approve');
    expect(r.stdout).toContain('docker_container.redis');
    expect((await redis()).State.Running).toBe(false);
    expect(await readFile(p.statePath)).toEqual(state);
    expect(await readdir(p.stackDir)).not.toContain('state.lock');
  });

  it('apply FILE applies exactly the saved plan, without a prompt', async () => {
    const file = join(p.root, 'p.plan');
    planFiles.push(file);
    const saved = expectExit(await p.run('plan', '-out', file), 0);
    expect(saved.stdout).toContain('docker_container.redis');
    expect(saved.stdout).toContain(`Saved the plan to: ${file}`);
    // Drift that happens after the plan was saved is not part of it, so it must be left alone.
    const media = await readFile(p.envPath('media'), 'utf8');
    await writeFile(p.envPath('media'), media.replace('APP_NAME="media"', 'APP_NAME="later"'));

    const r = expectExit(await p.run('apply', file), 0);
    expect(r.stdout).toContain('docker_container.redis');
    expect(r.stdout.trimEnd()).toMatch(/Apply complete! Resources: 0 added, 1 changed, 0 destroyed\.$/);
    expect(r.stdout + r.stderr).not.toMatch(/Enter a value|Do you want/);
    expect(r.stdout).not.toContain('env_file.media');
    expect((await redis()).State.Running).toBe(true);
    expect(await readFile(p.envPath('media'), 'utf8')).toContain('APP_NAME="later"');

    await expectDrift(p, 'env_file.media');
    await applyOk(p);
    await expectNoChanges(p);
  });

  it('refuses a saved plan made before another apply changed the state, and changes nothing', async () => {
    await docker('stop', p.containerName('redis'));
    const file = join(p.root, 'stale.plan');
    planFiles.push(file);
    expectOutput(expectExit(await p.run('plan', '-out', file), 0), 'docker_container.redis');
    await docker('start', p.containerName('redis'));
    const auth = await readFile(p.envPath('auth'), 'utf8');
    await writeFile(p.envPath('auth'), auth.replace('APP_NAME="auth"', 'APP_NAME="edited"'));
    expectOutput(await applyOk(p), 'env_file.auth');

    const before = { state: await readFile(p.statePath), redis: await redis() };
    const r = expectExit(await p.run('apply', file), 1);
    expect(r.stderr).toContain('stale');
    expect(r.stderr).toContain(file);
    expect(r.stdout).not.toMatch(/Modifying|Creating|Destroying/);
    const after = await redis();
    expect(after.Id).toBe(before.redis.Id);
    expect(after.State.StartedAt).toBe(before.redis.State.StartedAt);
    expect(await readFile(p.statePath)).toEqual(before.state);
    expect(await readdir(p.stackDir)).not.toContain('state.lock');
    await expectNoChanges(p);
  });

  it('refuses a saved plan made before the configuration changed', async () => {
    await docker('stop', p.containerName('redis'));
    const file = join(p.root, 'config.plan');
    planFiles.push(file);
    expectExit(await p.run('plan', '-out', file), 0);
    const config = await readFile(p.configPath, 'utf8');
    await p.editConfig((text) => text.replace(`LOG_LEVEL: 'debug'`, `LOG_LEVEL: 'warn'`));
    const r = expectExit(await p.run('apply', file), 1);
    expect(r.stderr).toMatch(/stale: .*configuration changed/);
    expect((await redis()).State.Running).toBe(false);
    await writeFile(p.configPath, config);
    await applyOk(p);
    await expectNoChanges(p);
  });

  it('shows sensitive env changes masked in plan text and JSON', async () => {
    const auth = await readFile(p.envPath('auth'), 'utf8');
    const jwt = (await p.readEnv('auth')).JWT_SECRET;
    const edited = 'HandEditedJwtSecretValue0123456789';
    await writeFile(p.envPath('auth'), auth.replace(`JWT_SECRET="${jwt}"`, `JWT_SECRET="${edited}"`));
    const text = await expectDrift(p, 'env_file.auth');
    expect(text.stdout).toContain('JWT_SECRET');
    expect(text.stdout).toContain('sensitive');
    const json = expectExit(await p.run('plan', '--json'), 0);
    const change = parsePlanJson(json).resource_changes.find((c) => c.address === 'env_file.auth');
    expect(change?.actions).toEqual(['update']);
    for (const r of [text, json]) expect(r.stdout + r.stderr, 'the hand-edited value of a sensitive variable').not.toContain(edited);
    const applied = expectExit(await p.run('apply', '--auto-approve', '--json'), 0);
    for (const line of applied.stdout.trim().split('\n')) expect(() => JSON.parse(line), line).not.toThrow();
    expect(applied.stdout + applied.stderr).not.toContain(edited);
    expect(await readFile(p.envPath('auth'), 'utf8')).toBe(auth);
    await expectNoChanges(p);
  });

  it('state show masks secrets; env_file.auth prints (sensitive value)', async () => {
    const list = expectExit(await p.run('state', 'list'), 0).stdout.trim().split('\n');
    expect(list).toContain('env_file.auth');
    expect(list).toContain('random_password.jwt_secret');
    // One address of each resource type keeps this quick; each type masks its own sensitive fields.
    const oneOfEachType = [...new Map(list.map((a) => [a.split('.')[0], a])).values()];
    expect(oneOfEachType.length).toBeGreaterThanOrEqual(7);
    for (const address of oneOfEachType) expectExit(await p.run('state', 'show', address), 0);
    const auth = expectExit(await p.run('state', 'show', 'env_file.auth'), 0);
    expect(auth.stdout).toContain('"JWT_SECRET": "(sensitive value)"');
    expect(auth.stdout).toContain('"DATABASE_URL": "(sensitive value)"');
    expectExit(await p.run('plan', '--destroy'), 0);
    expectExit(await p.run('plan', '--destroy', '--json'), 0);
  });

  it('no generated secret appears in any output, the state files, saved plans or docker labels', async () => {
    for (const [k, v] of await collectSecrets(p)) secrets.set(k, v);
    expect(leakedSecrets(p.transcript.join('\n'), secrets), 'CLI output of this file').toEqual([]);
    expect(p.transcript.length).toBeGreaterThan(40);
    for (const file of [p.statePath, `${p.statePath}.backup`, ...planFiles]) {
      expect(leakedSecrets((await readFile(file)).toString('latin1'), secrets), file).toEqual([]);
    }
    const state = await readFile(p.statePath, 'utf8');
    expect(() => JSON.parse(state)).not.toThrow();
    const labels = await allProjectLabels(p.project);
    expect(labels).toContain(p.project);
    expect(leakedSecrets(labels, secrets), 'docker labels').toEqual([]);
    // The env files and container env are where the secrets are meant to be: proves the check can see them.
    expect(leakedSecrets(await readFile(p.envPath('ledger'), 'utf8'), secrets).length).toBeGreaterThan(0);
  });

  it('no generated secret is in any command line during the apply, docker inspect, container logs, or the agent\'s and apps\' files', async () => {
    expect(leakedSecrets([...duringApply.lines].join('\n'), secrets), 'ps -eo args during the first apply').toEqual([]);
    expect(duringApply.passes).toBeGreaterThan(1);
    for (const service of SERVICES) {
      const inspected = await inspectContainer(p.containerName(service));
      // The env is how the images take their passwords (POSTGRES_PASSWORD, ...): collectSecrets reads them there.
      const { Env, ...config } = inspected.Config;
      expect(Env?.length).toBeGreaterThan(0);
      expect(leakedSecrets(JSON.stringify({ ...inspected, Config: config }), secrets), `docker inspect ${service} (but Config.Env)`).toEqual([]);
      expect(leakedSecrets(await containerLogs(p.containerName(service)), secrets), `docker logs ${service}`).toEqual([]);
    }
    // Everything omnitron keeps for the stack (the agent's log, the apps' logs under agent/logs once they print) but
    // the env files meant for the apps and the agent (0600).
    const files = (await readdir(p.stackDir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
      .filter((f) => !relative(p.stackDir, f).startsWith('env/') && !f.endsWith('/agent/agent.env'));
    const shown = files.map((f) => relative(p.stackDir, f));
    expect(shown).toEqual(expect.arrayContaining(['agent/agent.log', 'agent/manifest.json', 'state.json']));
    for (const file of files) expect(leakedSecrets((await readFile(file)).toString('latin1'), secrets), relative(p.stackDir, file)).toEqual([]);
  });
});
