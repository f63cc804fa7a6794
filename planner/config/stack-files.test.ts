import { afterAll, describe, expect, it } from 'vitest';
import { makeProject } from '../../test/config/make-project.js';
import { app, ecosystem, stack } from '../../test/config/make-ecosystem.js';
import { checkStackFiles } from './stack-files.js';
import type { StackModel } from './model.js';

const p = makeProject({ 'apps/auth/dist/bootstrap.js': '', 'apps/media/dist/bootstrap.js/.keep': '' });
afterAll(() => p.remove());

const eco = ecosystem({ root: p.dir, file: p.file('omnitron.config.ts') });

function model(names: string[]): StackModel {
  const apps = names.map((n, i) => app(n, i, { bootstrap: p.file(`apps/${n}/dist/bootstrap.js`), root: p.file(`apps/${n}`) }));
  return { project: eco.project, root: eco.root, file: eco.file, stack: stack('dev'), apps, services: [], supervision: eco.supervision, monitoring: eco.monitoring, logging: eco.logging, discovery: eco.discovery };
}

describe('checkStackFiles: entry points', () => {
  it('accepts a bootstrap that is a file', () => {
    expect(checkStackFiles(eco, model(['auth']))).toEqual([]);
  });
  it('names a missing bootstrap and one that is a directory, at the app\'s field', () => {
    expect(checkStackFiles(eco, model(['auth', 'media', 'ledger'])).map((d) => [d.path, d.summary])).toEqual([
      ['apps[1].bootstrap', 'bootstrap apps/media/dist/bootstrap.js is a directory, not a file'],
      ['apps[2].bootstrap', 'bootstrap apps/ledger/dist/bootstrap.js does not exist'],
    ]);
  });
});

describe('checkStackFiles: bind mounts of a local stack', () => {
  const withBind = (source: string, type: 'local' | 'remote' = 'local'): StackModel => {
    const docker = { image: 'x', environment: {}, volumes: { cfg: { source, target: '/etc/x.yml', readonly: true } }, portMappings: {}, bindHost: '127.0.0.1', resources: {}, restart: 'no', labels: {}, extraHosts: [] };
    return { ...model([]), stack: stack('dev', { type }), services: [{ name: 'x', declaredBy: [], requirement: { ports: {}, env: {}, secrets: {}, startupTimeout: 1, dependsOn: [], critical: true }, docker, endpointPorts: {} }] };
  };
  it('names a bind source that does not exist', () => {
    expect(checkStackFiles(eco, withBind(p.file('missing.yml'))).map((d) => d.summary)).toEqual(['bind mount source missing.yml does not exist']);
    expect(checkStackFiles(eco, withBind(p.file('apps/auth/dist/bootstrap.js')))).toEqual([]);
  });
  it('leaves nodes alone: a remote stack mounts nothing from this machine', () => {
    expect(checkStackFiles(eco, withBind(p.file('missing.yml'), 'remote'))).toEqual([]);
  });
});

describe('checkStackFiles: SSH keys of a node stack', () => {
  const withKey = (privateKey: string): StackModel => ({
    ...model([]), stack: stack('prod', { type: 'remote', nodes: [{ name: 'app', host: '10.0.0.6', role: 'app', ssh: { user: 'root', port: 22, privateKey } }] }),
  });
  it('names a key file that does not exist, and accepts one that does', () => {
    expect(checkStackFiles(eco, withKey(p.file('keys/none'))).map((d) => [d.path, d.summary])).toEqual([['stacks.prod.nodes[0].ssh.privateKey', `private key ${p.file('keys/none')} does not exist`]]);
    expect(checkStackFiles(eco, withKey(p.file('apps/auth/dist/bootstrap.js')))).toEqual([]);
  });
});

describe('checkStackFiles: dependencies a release carries', () => {
  const q = makeProject({ 'apps/api/dist/main.js': '', 'apps/api/package.json': JSON.stringify({ name: 'api', dependencies: { ioredis: '^6' } }) });
  afterAll(() => q.remove());
  const withDeps = (type: 'local' | 'remote'): StackModel => ({
    ...model([]), root: q.dir, file: q.file('omnitron.config.ts'), stack: stack('prod', { type }),
    apps: [app('api', 0, { script: q.file('apps/api/dist/main.js'), bootstrap: undefined, root: q.file('apps/api') })],
  });
  it('on nodes, an app with dependencies and no lockfile is an error at the app', () => {
    expect(checkStackFiles(eco, withDeps('remote')).map((d) => [d.path, d.summary])).toEqual([['apps[0]', 'app "api" declares dependencies in apps/api/package.json but has no lockfile']]);
  });
  it('a local stack runs the app in place with the node_modules it has', () => {
    expect(checkStackFiles(eco, withDeps('local'))).toEqual([]);
  });
});
