/**
 * Only what this state created is ours: a second checkout of the same project and stack (here: the
 * same copy with its state moved aside, which is what another checkout's fresh state is) finds the
 * first one's containers and volumes at plan and refuses them, naming who made them; a data volume the
 * first one left behind after destroy is caught at plan with why it cannot simply be reused; import
 * is the explicit way to take an object over.
 */
import { readFile, rename } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireNode24 } from './support/cli.js';
import { docker } from './support/docker.js';
import { createProject, type E2eProject } from './support/project.js';
import { applyOk, expectExit } from './support/expect-cli.js';

const STACK_TRACE = /^\s{4}at /m;

describe('ownership across states', () => {
  let p: E2eProject;
  let lineage: string;

  beforeAll(async () => {
    requireNode24();
    p = await createProject();
  });
  afterAll(async () => { await p?.cleanup(); });

  /** Another checkout: the same config with a state of its own. */
  const asAnotherCheckout = async () => rename(p.statePath, `${p.statePath}.first`);
  const backToTheFirst = async () => rename(`${p.statePath}.first`, p.statePath);

  it('the first checkout creates Postgres with its data volume', async () => {
    await applyOk(p, '--target', 'docker_container.postgres');
    lineage = (JSON.parse(await readFile(p.statePath, 'utf8')) as { lineage: string }).lineage;
    const labels = JSON.parse((await docker('inspect', '-f', '{{json .Config.Labels}}', p.containerName('postgres'))).trim()) as Record<string, string>;
    expect(labels['dev.omnitron.lineage']).toBe(lineage);
  });

  it('a second checkout\'s plan refuses the first one\'s objects, naming them and who made them, and changes nothing', async () => {
    await asAnotherCheckout();
    const before = await docker('inspect', '-f', '{{.Id}}', p.containerName('postgres'));
    const r = expectExit(await p.run('plan'), 1);
    const who = `stamped by omnitron project "${p.project}", stack "dev", state lineage ${lineage}`;
    expect(r.stderr).toContain(`docker_container.postgres: docker container "${p.containerName('postgres')}"`);
    expect(r.stderr).toContain(`docker_volume.postgres_data: docker volume "${p.project}-dev-postgres-data" already exists and is ${who}`);
    expect(r.stderr).toContain('omnitron import docker_volume.postgres_data');
    expect(r.stderr).toContain('initialised with that state\'s generated secrets');
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(await docker('inspect', '-f', '{{.Id}}', p.containerName('postgres'))).toBe(before);
    await backToTheFirst();
  });

  it('after the first checkout destroys without --volumes, the kept volume is caught at the second one\'s plan', async () => {
    expectExit(await p.run('destroy', '--auto-approve'), 0);
    expect((await docker('volume', 'ls', '-q', '--filter', `label=dev.omnitron.project=${p.project}`)).split('\n').filter(Boolean)).toEqual([`${p.project}-dev-postgres-data`]);
    await asAnotherCheckout();
    const r = expectExit(await p.run('plan'), 1);
    expect(r.stderr).toContain(`docker_volume.postgres_data: docker volume "${p.project}-dev-postgres-data" already exists and is stamped by omnitron project "${p.project}", stack "dev", state lineage ${lineage}`);
    expect(r.stderr).toContain('docker exec CONTAINER psql -U postgres');
  });

  it('import takes the volume over explicitly; the plan then goes on to what the config wants', async () => {
    const imported = expectExit(await p.run('import', 'docker_volume.postgres_data', `${p.project}-dev-postgres-data`), 0);
    expect(imported.stdout).toContain('docker_volume.postgres_data: imported docker_volume');
    expect(expectExit(await p.run('state', 'list'), 0).stdout.split('\n')).toContain('docker_volume.postgres_data');
    const wrong = expectExit(await p.run('import', 'docker_container.postgres', 'nope'), 1);
    expect(wrong.stderr).toContain('no docker_container "nope" where the config puts docker_container.postgres');
    const plan = expectExit(await p.run('plan', '--target', 'docker_container.postgres'), 0);
    expect(plan.stdout).toContain('docker_container.postgres will be created');
  });
});
