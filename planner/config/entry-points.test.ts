import { afterAll, describe, expect, it } from 'vitest';
import { makeProject } from '../../test/config/make-project.js';
import { app, ecosystem, stack } from '../../test/config/make-ecosystem.js';
import { checkEntryPoints } from './entry-points.js';
import type { StackModel } from './model.js';

const p = makeProject({ 'apps/auth/dist/bootstrap.js': '', 'apps/media/dist/bootstrap.js/.keep': '' });
afterAll(() => p.remove());

function model(names: string[]): StackModel {
  const eco = ecosystem({ root: p.dir, file: p.file('omnitron.config.ts') });
  const apps = names.map((n, i) => app(n, i, { bootstrap: p.file(`apps/${n}/dist/bootstrap.js`), root: p.file(`apps/${n}`) }));
  return { project: eco.project, root: eco.root, file: eco.file, stack: stack('dev'), apps, services: [], supervision: eco.supervision, monitoring: eco.monitoring, logging: eco.logging };
}

describe('checkEntryPoints', () => {
  it('accepts a bootstrap that is a file', () => {
    expect(checkEntryPoints(model(['auth']))).toEqual([]);
  });
  it('names a missing bootstrap and one that is a directory, at the app\'s field', () => {
    expect(checkEntryPoints(model(['auth', 'media', 'ledger'])).map((d) => [d.path, d.summary])).toEqual([
      ['apps[1].bootstrap', 'bootstrap apps/media/dist/bootstrap.js is a directory, not a file'],
      ['apps[2].bootstrap', 'bootstrap apps/ledger/dist/bootstrap.js does not exist'],
    ]);
  });
});
