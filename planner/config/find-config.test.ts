import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../diagnostics.js';
import { makeProject, type TempProject } from '../../test/config/make-project.js';
import { findConfigFile } from './find-config.js';

let project: TempProject | undefined;
afterEach(() => project?.remove());

describe('findConfigFile', () => {
  it('prefers .ts, then .js, then .mjs in the cwd', () => {
    project = makeProject({ 'omnitron.config.mjs': '', 'omnitron.config.js': '' });
    expect(findConfigFile(project.dir)).toBe(project.file('omnitron.config.js'));
    project.remove();
    project = makeProject({ 'omnitron.config.mjs': '', 'omnitron.config.ts': '' });
    expect(findConfigFile(project.dir)).toBe(project.file('omnitron.config.ts'));
  });

  it('takes an explicit file relative to the cwd, or a directory to search', () => {
    project = makeProject({ 'deploy/custom.config.ts': '', 'other/omnitron.config.mjs': '' });
    expect(findConfigFile(project.dir, 'deploy/custom.config.ts')).toBe(project.file('deploy/custom.config.ts'));
    expect(findConfigFile(project.dir, 'other')).toBe(project.file('other/omnitron.config.mjs'));
  });

  it('says what it looked for when nothing is there', () => {
    project = makeProject({});
    mkdirSync(join(project.dir, 'empty'));
    expect(() => findConfigFile(project!.dir)).toThrow(UserError);
    expect(() => findConfigFile(project!.dir)).toThrow(`no omnitron.config.ts (.js, .mjs, .mts, .cts, .cjs) in ${project.dir}; pass -c PATH`);
    expect(() => findConfigFile(project!.dir, 'missing.ts')).toThrow(/config file .*missing\.ts does not exist/);
  });
});
