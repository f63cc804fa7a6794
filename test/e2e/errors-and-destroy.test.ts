/**
 * Scenarios 10 and 11: user errors (a typo in dependsOn, an unknown stack, an image that does not
 * exist) and destroy with and without --volumes. The `it`s run in order and share one stack on
 * purpose: the failed apply's partial result is what the next apply completes and destroy removes.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireNode24, type CliResult } from './support/cli.js';
import { anonymousVolumes, docker, inspectContainer, labelledObjects } from './support/docker.js';
import { appHealth } from './support/app.js';
import { createProject, type E2eProject } from './support/project.js';
import { applyOk, expectExit, expectNoChanges } from './support/expect-cli.js';

const BAD_IMAGE = '127.0.0.1:1/nope:1';
const STACK_TRACE = /^\s{4}at /m;

describe('user errors and destroy', () => {
  let p: E2eProject;

  beforeAll(async () => {
    requireNode24();
    p = await createProject();
  });
  afterAll(async () => { await p?.cleanup(); });

  const stateList = async () => expectExit(await p.run('state', 'list'), 0).stdout.split('\n').filter(Boolean);
  const expectNoTrace = (r: CliResult) => expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);

  it('validate accepts the example and names a dependsOn typo with a suggestion', async () => {
    expect(expectExit(await p.run('validate'), 0).stdout).toContain('Success!');
    const typo = join(p.dir, 'omnitron.typo.config.ts');
    const config = await readFile(p.configPath, 'utf8');
    const media = `{ name: 'media', bootstrap: './apps/media/dist/bootstrap.js', dependsOn: ['auth']`;
    expect(config).toContain(media);
    await writeFile(typo, config.replace(media, media.replace(`['auth']`, `['auht']`)));

    const r = expectExit(await p.run('validate', '-c', typo), 1);
    expect(r.stderr).toContain('apps[1].dependsOn[0]');
    expect(r.stderr).toContain('did you mean "auth"');
    expectNoTrace(r);
  });

  it('an unknown --stack fails and lists the stacks', async () => {
    const r = expectExit(await p.run('plan', '--stack', 'nope'), 1);
    expect(r.stderr).toContain('unknown stack "nope"');
    expect(r.stderr).toContain('"dev"');
    expectNoTrace(r);
    expect(existsSync(p.stackDir)).toBe(false);
  });

  it('an override to a missing image fails redis, completes the postgres side, records it', async () => {
    const config = await readFile(p.configPath, 'utf8');
    await p.editConfig((text) => text.replace(`redis: { docker: { image: 'omnitron-local/redis:7'`, `redis: { docker: { image: '${BAD_IMAGE}'`));
    expect(await readFile(p.configPath, 'utf8')).toContain(BAD_IMAGE);

    const r = expectExit(await p.run('apply', '--auto-approve'), 1);
    const all = r.stdout + r.stderr;
    expect(all).toContain(BAD_IMAGE);
    expect(all).toContain('serviceOverrides');
    expect(all).toContain('docker_image.redis');
    for (const done of ['docker_container.postgres', 'postgres_role.ledger', 'postgres_database.ledger', 'docker_container.pubsub']) {
      expect(r.stdout).toMatch(new RegExp(`^${done.replace('.', '\\.')}: Creation complete`, 'm'));
    }
    for (const skipped of ['docker_container.redis', 'redis_database.ledger', 'env_file.ledger']) {
      expect(r.stdout).toMatch(new RegExp(`^${skipped.replace('.', '\\.')}: Skipped \\(upstream .+ failed\\)`, 'm'));
    }
    expectNoTrace(r);
    expect(existsSync(p.lockPath)).toBe(false);

    const state = await stateList();
    expect(state).toEqual(expect.arrayContaining(['docker_container.postgres', 'postgres_role.ledger', 'postgres_database.ledger', 'docker_volume.postgres_data']));
    expect(state).not.toContain('docker_container.redis');
    expect(state.filter((a) => a.startsWith('redis_database.') || a.startsWith('env_file.'))).toEqual([]);
    expect((await inspectContainer(p.containerName('postgres'))).State.Running).toBe(true);
    expect(existsSync(p.envPath('ledger'))).toBe(false);

    await writeFile(p.configPath, config);
    const fixed = await applyOk(p);
    expect(fixed.stdout).toContain('docker_container.redis');
    expect(fixed.stdout).not.toMatch(/^docker_container\.postgres: Creat/m);
    await expectNoChanges(p);
  });

  it('destroy removes containers and the network but keeps the data volumes', async () => {
    const r = expectExit(await p.run('destroy', '--auto-approve'), 0);
    expect(r.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed\./);
    expect(r.stdout).toContain('docker_container.postgres');
    const left = await labelledObjects(p.project);
    expect(left.containers).toEqual([]);
    expect(left.networks).toEqual([]);
    expect(left.volumes).toEqual([`${p.project}-dev-minio-data`, `${p.project}-dev-postgres-data`, `${p.project}-dev-redis-data`]);
    expect(await stateList()).toEqual(expect.arrayContaining(['docker_volume.postgres_data', 'docker_volume.redis_data']));
  });

  it('apply after destroy brings the stack back on the kept volumes', async () => {
    await applyOk(p);
    const ledger = await appHealth(p, 'ledger');
    expect(ledger.status, JSON.stringify(ledger.body)).toBe(200);
    await expectNoChanges(p);
  });

  it('destroy --volumes removes everything labelled with the project', async () => {
    expectExit(await p.run('destroy', '--auto-approve'), 0);
    expect(await stateList()).toEqual(expect.arrayContaining(['docker_volume.postgres_data', 'docker_volume.redis_data']));
    const r = expectExit(await p.run('destroy', '--auto-approve', '--volumes'), 0);
    expect(r.stdout).toContain('docker_volume.postgres_data');
    expect(r.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed\./);
    expect(await labelledObjects(p.project)).toEqual({ containers: [], volumes: [], networks: [] });
    expect(await stateList()).toEqual([]);
  });

  it('destroy --volumes leaves no anonymous volume of its containers behind', async () => {
    await applyOk(p);
    // The pubsub service uses the redis image, whose VOLUME /data gives its container an unnamed volume.
    const anonymous = await anonymousVolumes(p.project);
    expect(anonymous.length).toBeGreaterThan(0);
    expectExit(await p.run('destroy', '--auto-approve', '--volumes'), 0);
    const remaining = (await docker('volume', 'ls', '-q')).split('\n');
    expect(anonymous.filter((v) => remaining.includes(v)), 'anonymous volumes of removed containers').toEqual([]);
  });
});
