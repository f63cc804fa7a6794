/**
 * Hostile input at `omnitron validate`, through the built CLI: values crafted to inject a pg_hba.conf
 * rule, to escape a directory through a unit or path, to run a command through a name, or to read a
 * secret that is not the service's. Each class is one config; every hostile value must be refused
 * with its file and field path, exit 1, one message per value (no stack trace, no "please report"),
 * nothing else refused (a bind mount inside the project, a secret key of the service's own),
 * and nothing written (no state directory, no state key). The secrets half of the hostile suite greps
 * a live stack: test/e2e/secrets-and-plans.test.ts (local) and test/e2e/baremetal.test.ts (nodes).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, type TempProject } from '../config/make-project.js';
import { describeRun, requireNode24, runCli } from '../e2e/support/cli.js';

const BOOTSTRAP = 'apps/web/dist/bootstrap.js';
const projects: TempProject[] = [];
afterAll(() => { for (const p of projects) p.remove(); });

interface Case {
  /** omnitron.config.mjs's default export. */
  config: object;
  /** apps/web/config/default.json */
  appConfig?: object;
  stack?: string;
  /** Field paths (as printed) that must each be refused, with a fragment of the bad value as printed. */
  refused: Array<[path: string, value: string]>;
}

const cluster = (nodes: object[], extra: object = {}) => ({
  apps: [{ name: 'web', bootstrap: `./${BOOTSTRAP}` }],
  stacks: { prod: { type: 'cluster', nodes, ...extra } },
});
const db = { host: '10.0.0.5', name: 'db', role: 'database' };

const CASES: Record<string, Case> = {
  'pg_hba.conf injection through a node address or host': {
    config: cluster([
      db,
      { host: '10.0.0.6', name: 'app', role: 'app', address: '10.0.0.1/0 trust\nhost all all 0.0.0.0/0' },
      { host: '10.0.0.7', name: 'app2', role: 'app', address: '0.0.0.0/0' },
      { host: 'samenet', name: 'app3', role: 'app' },
      { host: '0.0.0.0', name: 'app4', role: 'app' },
      { host: '10.0.0.9', name: 'app5', role: 'app', address: '10.0.0.9 trust' },
    ]),
    appConfig: { omnitron: { database: true } },
    stack: 'prod',
    refused: [
      ['stacks.prod.nodes[1].address', '"10.0.0.1/0 trust\\nhost all all 0.0.0.0/0"'], ['stacks.prod.nodes[2].address', '"0.0.0.0/0"'],
      ['stacks.prod.nodes[3].host', '"samenet"'], ['stacks.prod.nodes[4].host', '"0.0.0.0"'], ['stacks.prod.nodes[5].address', '"10.0.0.9 trust"'],
    ],
  },
  'unit names, paths, users and listen addresses that escape or inject': {
    config: {
      apps: [{ name: 'web', bootstrap: `./${BOOTSTRAP}` }],
      infrastructure: { services: { postgres: { preset: 'postgres', bareMetal: { bindAddress: "*'\nhba_file = '/tmp/evil'" } } } },
    },
    appConfig: {
      omnitron: {
        infrastructure: {
          a: { ports: { p: 9001 }, bareMetal: { systemdUnit: '../../etc/passwd.service', configFile: '/etc/search/../shadow', dataDir: '/', user: 'root;id' } },
          b: { ports: { p: 9002 }, bareMetal: { systemdUnit: 'x;rm -rf /.service', configFile: 'etc/b.conf', dataDir: '/var/lib/b\n', user: '-o' } },
          c: { ports: { p: 9003 }, bareMetal: { systemdUnit: 'c\nExecStartPre=/bin/sh.service', bindAddress: '0.0.0.0 trust' } },
        },
      },
    },
    refused: [
      ['omnitron.infrastructure.a.bareMetal.systemdUnit', '"../../etc/passwd.service"'], ['omnitron.infrastructure.a.bareMetal.configFile', '"/etc/search/../shadow"'],
      ['omnitron.infrastructure.a.bareMetal.dataDir', '"/"'], ['omnitron.infrastructure.a.bareMetal.user', '"root;id"'],
      ['omnitron.infrastructure.b.bareMetal.systemdUnit', '"x;rm -rf /.service"'], ['omnitron.infrastructure.b.bareMetal.configFile', '"etc/b.conf"'],
      ['omnitron.infrastructure.b.bareMetal.dataDir', '"/var/lib/b\\n"'], ['omnitron.infrastructure.b.bareMetal.user', '"-o"'],
      ['omnitron.infrastructure.c.bareMetal.systemdUnit', 'U+000A'], ['omnitron.infrastructure.c.bareMetal.bindAddress', '"0.0.0.0 trust"'],
      ['infrastructure.services.postgres.bareMetal.bindAddress', 'U+000A'],
    ],
  },
  'env keys that would break an env file or a container env': {
    config: {
      apps: [{ name: 'web', bootstrap: `./${BOOTSTRAP}`, env: { 'A=B': 'x', '$(id)': 'x', 'X\nY': 'x' } }],
      infrastructure: { services: { s: { ports: { p: 9001 }, env: { 'a b': 'x' }, docker: { image: 'x:1', environment: { 'K=V': 'x' } } } } },
      stacks: { dev: { type: 'local', settings: { env: { '-e': 'x' } } } },
    },
    refused: [
      ['apps[0].env["A=B"]', '"A=B"'], ['apps[0].env["$(id)"]', '"$(id)"'], ['apps[0].env["X\\nY"]', 'U+000A'],
      ['infrastructure.services.s.env["a b"]', '"a b"'], ['infrastructure.services.s.docker.environment["K=V"]', '"K=V"'], ['stacks.dev.settings.env["-e"]', '"-e"'],
    ],
  },
  'names that become paths, addresses or shell words': {
    config: {
      project: 'p\n; rm -rf ~',
      apps: [{ name: '../../etc', bootstrap: `./${BOOTSTRAP}` }, { name: 'x;rm -rf /', bootstrap: `./${BOOTSTRAP}` }, { name: 'ａuth', bootstrap: `./${BOOTSTRAP}` }],
      infrastructure: { services: { '../svc': { ports: { p: 9001 }, docker: { image: 'x:1' } } } },
      stacks: { '../../tmp/x': { type: 'local' } },
    },
    refused: [
      ['project', 'U+000A'], ['apps[0].name', '"../../etc"'], ['apps[1].name', '"x;rm -rf /"'], ['apps[2].name', 'U+FF41'],
      ['infrastructure.services["../svc"]', '"../svc"'], ['stacks["../../tmp/x"]', '"../../tmp/x"'],
    ],
  },
  'node names, host keys and SSH users': {
    config: cluster([
      { ...db, name: '../../root' },
      { host: '10.0.0.6', name: 'app\nx', role: 'app', hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI' },
      { host: '10.0.0.7', name: 'cache', role: 'cache', ssh: { user: '-oProxyCommand=sh -c id' }, hostKey: 'SHA256:short' },
    ]),
    stack: 'prod',
    refused: [
      ['stacks.prod.nodes[0].name', '"../../root"'], ['stacks.prod.nodes[1].name', 'U+000A'], ['stacks.prod.nodes[1].hostKey', '"ssh-ed25519 AAAA'],
      ['stacks.prod.nodes[2].ssh.user', '"-oProxyCommand=sh -c id"'], ['stacks.prod.nodes[2].hostKey', '"SHA256:short"'],
    ],
  },
  'an app\'s config reaching for secrets that are not its service\'s, or for the host': {
    config: { apps: [{ name: 'web', bootstrap: `./${BOOTSTRAP}` }], stacks: { dev: { type: 'local' } } },
    appConfig: {
      omnitron: {
        database: true,
        infrastructure: {
          spy: {
            ports: { p: 9001 }, env: { ROOT_PW: '${secret:pw}', K: '${secret:k}' },
            docker: {
              image: 'x:1',
              volumes: { sock: { source: '/var/run/docker.sock', target: '/s' }, root: { source: '/', target: '/host' }, up: { source: './../..', target: '/up' }, own: { source: './apps/web', target: '/app' } },
            },
            secrets: { pw: { secret: 'postgres_superuser' }, k: { secret: '../../x' } },
          },
        },
      },
    },
    refused: [
      ['omnitron.infrastructure.spy.secrets.pw.secret', '"postgres_superuser"'], ['omnitron.infrastructure.spy.secrets.k.secret', '"../../x"'],
      ['omnitron.infrastructure.spy.docker.volumes.sock', '/var/run/docker.sock'], ['omnitron.infrastructure.spy.docker.volumes.root', 'bind-mount "/",'],
      ['omnitron.infrastructure.spy.docker.volumes.up', 'outside the project'],
    ],
  },
};

describe('hostile input is refused at validate, naming the file and field', () => {
  it.each(Object.keys(CASES))('%s', async (name) => {
    requireNode24();
    const c = CASES[name];
    const p = makeProject({
      'omnitron.config.mjs': `export default ${JSON.stringify(c.config, null, 2)};\n`,
      [BOOTSTRAP]: 'export {};\n',
      'apps/web/config/default.json': c.appConfig ?? {},
    });
    projects.push(p);
    const keyFile = join(p.dir, 'state.key');
    const env: NodeJS.ProcessEnv = { ...process.env, OMNITRON_STATE_KEY_FILE: keyFile, NO_COLOR: '1' };
    delete env.OMNITRON_STATE_KEY;
    const r = await runCli(['validate', ...(c.stack ? ['--stack', c.stack] : [])], { cwd: p.dir, env });
    expect(r.code, describeRun(r)).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error: '));
    for (const [path, value] of c.refused) {
      expect(errors.filter((l) => l.includes(`: ${path}: `) && l.includes(value)), `${path} ${value}\n${describeRun(r)}`).toHaveLength(1);
    }
    expect(errors, describeRun(r)).toHaveLength(c.refused.length);
    expect(r.stderr, describeRun(r)).not.toMatch(/please report|\n\s+at .*\(.*:\d+:\d+\)/);
    expect(r.stdout).not.toContain('Success');
    expect(existsSync(join(p.dir, '.omnitron')), 'no state directory').toBe(false);
    expect(existsSync(keyFile), 'no state key').toBe(false);
  });
});
