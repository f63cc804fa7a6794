/**
 * importConfig under vitest's module runner (vitest.config.ts aliases '@omnitron-dev/omnitron');
 * import-config.int.test.ts proves the same through Node's own loader and resolve hook.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../diagnostics.js';
import { makeProject, type TempProject } from '../../test/config/make-project.js';
import { defineModuleUrl, importConfig } from './import-config.js';

const fixture = (rel: string) => fileURLToPath(new URL(`../../test/config/${rel}`, import.meta.url));

let project: TempProject | undefined;
afterEach(() => project?.remove());

async function failure(file: string): Promise<UserError> {
  try { await importConfig(file); } catch (e) { if (e instanceof UserError) return e; throw e; }
  throw new Error('expected a UserError');
}

describe('importConfig', () => {
  it('loads a real-user .ts file importing from @omnitron-dev/omnitron', async () => {
    const raw = await importConfig(fixture('valid/real-user/omnitron.config.ts')) as { project: string; apps: unknown[] };
    expect(raw.project).toBe('omni');
    expect(raw.apps).toHaveLength(2);
  });

  it('falls back to the module namespace without a default export', async () => {
    project = makeProject({ 'omnitron.config.mjs': "export const project = 'ns';\nexport const apps = [];\n" });
    expect(await importConfig(project.file('omnitron.config.mjs'))).toEqual({ project: 'ns', apps: [] });
  });

  it('sees edits on a second load', async () => {
    project = makeProject({ 'omnitron.config.mjs': "export default { project: 'one' };\n" });
    await importConfig(project.file('omnitron.config.mjs'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(project.file('omnitron.config.mjs'), "export default { project: 'two' };\n");
    expect(await importConfig(project.file('omnitron.config.mjs'))).toEqual({ project: 'two' });
  });

  it('reports a syntax error with file and line, without a stack', async () => {
    project = makeProject({ 'omnitron.config.mjs': "export default {\n  apps: [\n    { name: 'a' }\n    { name: 'b' },\n  ],\n};\n" });
    const err = await failure(project.file('omnitron.config.mjs'));
    expect(err.diagnostics).toEqual([{
      severity: 'error', summary: "cannot load the config: SyntaxError: Unexpected token '{'",
      detail: 'fix the syntax error in the config file', file: project.file('omnitron.config.mjs'), line: 4,
    }]);
    expect(err.message).not.toMatch(/\n\s+at /);
  });

  it('reports an error thrown while loading with its line', async () => {
    project = makeProject({ 'omnitron.config.mjs': "const x = 1;\nthrow new Error('no PROJECT set');\n" });
    const err = await failure(project.file('omnitron.config.mjs'));
    expect(err.diagnostics[0]).toMatchObject({ summary: 'cannot load the config: Error: no PROJECT set', line: 2 });
  });

  it('reports a missing file', async () => {
    const err = await failure('/nonexistent/omnitron.config.ts');
    expect(err.diagnostics[0].summary).toBe('config file /nonexistent/omnitron.config.ts does not exist');
  });

  it('points the package alias at the define module next to it', () => {
    expect(defineModuleUrl()).toMatch(/\/planner\/config\/define\.ts$/);
  });
});
