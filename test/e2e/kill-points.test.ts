/**
 * kill -9 at several points of a first apply and of a destroy, around the Postgres objects whose
 * create cannot share a transaction with its ownership stamp: every rerun converges (the intents
 * recorded before each create make the killed run's objects known), and the destroy rerun leaves
 * nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireNode24 } from './support/cli.js';
import { docker } from './support/docker.js';
import { createProject, type E2eProject } from './support/project.js';
import { expectExit } from './support/expect-cli.js';

const TARGET = ['--target', 'postgres_database.ledger'];
const APPLY_POINTS = [/postgres_role\.ledger: Creating\.\.\./, /postgres_database\.ledger: Creating\.\.\./, /postgres_database\.ledger: Creation complete/];

describe('kill -9 at any point converges', () => {
  let p: E2eProject;

  beforeAll(async () => {
    requireNode24();
    p = await createProject();
  });
  afterAll(async () => { await p?.cleanup(); });

  async function killAt(args: string[], point: RegExp): Promise<void> {
    const running = p.start(...args);
    await running.waitForOutput(point, 120_000);
    running.child.kill('SIGKILL');
    expect((await running.done).signal).toBe('SIGKILL');
  }

  const databases = async () => (await docker('exec', p.containerName('postgres'), 'psql', '-U', 'postgres', '-Atc', 'SELECT datname FROM pg_database')).split('\n');

  for (const point of APPLY_POINTS) {
    it(`an apply killed at "${point.source}" converges on the rerun`, async () => {
      await killAt(['apply', '--auto-approve', ...TARGET], point);
      expectExit(await p.run('apply', '--auto-approve', ...TARGET), 0);
      expect(expectExit(await p.run('plan', '--detailed-exitcode', ...TARGET), 0).stdout).toContain('No changes.');
      expect(await databases()).toContain('ledger');
      expectExit(await p.run('destroy', '--auto-approve', '--volumes'), 0);
    });
  }

  it('a destroy killed while dropping the database converges on the rerun and leaves nothing', async () => {
    expectExit(await p.run('apply', '--auto-approve', ...TARGET), 0);
    await killAt(['destroy', '--auto-approve', '--volumes'], /postgres_database\.ledger: Destroying\.\.\./);
    expectExit(await p.run('destroy', '--auto-approve', '--volumes'), 0);
    expect(expectExit(await p.run('state', 'list'), 0).stdout.trim()).toBe('');
    expect((await docker('ps', '-aq', '--filter', `label=dev.omnitron.project=${p.project}`)).trim()).toBe('');
  });
});
