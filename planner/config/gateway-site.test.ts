import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, type TempProject } from '../../test/config/make-project.js';
import { readGatewaySite } from './gateway-site.js';

let project: TempProject | undefined;
afterEach(() => project?.remove());

const ctxIn = (root: string) => ({ file: `${root}/omnitron.config.ts`, root, prefix: ['infrastructure', 'services', 'gateway'], strict: false });

describe('readGatewaySite', () => {
  it('reads the site as it is, by relative path, skipping dotfiles', () => {
    project = makeProject({ 'infra/nginx/nginx.conf': 'http {}\n', 'infra/nginx/lua/maintenance_check.lua': '-- check\n', 'infra/nginx/.swp': 'x' });
    const { site, diagnostics } = readGatewaySite({ configDir: './infra/nginx' }, ctxIn(project.dir));
    expect(diagnostics).toEqual([]);
    expect(site).toEqual({ dir: project.file('infra/nginx'), files: { 'lua/maintenance_check.lua': '-- check\n', 'nginx.conf': 'http {}\n' } });
  });

  it('names the field when the directory or its nginx.conf is missing', () => {
    project = makeProject({ 'infra/nginx/lua/x.lua': '' });
    const ctx = ctxIn(project.dir);
    expect(readGatewaySite({ configDir: './infra/ngnix' }, ctx).diagnostics).toEqual([expect.objectContaining({
      severity: 'error', path: 'infrastructure.services.gateway.config.configDir', summary: `./infra/ngnix is not a directory (resolved to ${project.file('infra/ngnix')})`,
    })]);
    expect(readGatewaySite({ configDir: './infra/nginx' }, ctx).diagnostics).toEqual([expect.objectContaining({ summary: './infra/nginx has no nginx.conf' })]);
    expect(readGatewaySite(undefined, ctx)).toEqual({ diagnostics: [] });
  });
});
