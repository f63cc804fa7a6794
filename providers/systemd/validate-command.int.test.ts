/**
 * A service's validateCommand is the one command of the config that plan runs on a node. On a real
 * systemd+sshd node, logged in as root or as a sudo user, it runs unprivileged: as the service's user
 * when that account exists and is not root, else as nobody, with no new privileges, at plan (the
 * probe, for version_check and an install's `unless`) and at apply (a deferred version_check). With
 * no unprivileged account on the node it is not run at all, and the plan says why.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../planner/expr.js';
import type { DesiredResource, ProviderContext } from '../../planner/resource.js';
import { startNodes, type NodeBed } from '../../test/support/nodes/index.js';
import { MemoryState, observeAndPlan, summary } from '../../test/support/systemd/harness.js';
import { NodePool } from '../ssh/pool.js';
import { checkRequest, runCheck, versionCheck } from './version-check.js';

const suffix = randomBytes(4).toString('hex');
const SERVICE_USER = `svc${suffix}`;
/** Prints who runs it, then a version: `uid user nnp=NoNewPrivs`, `1.2.3`. */
const WHO = 'echo "$(id -u) $(id -un) nnp=$(sed -n "s/^NoNewPrivs:\\t//p" /proc/self/status)"; echo 1.2.3';

let bed: NodeBed;
let sshDir: string;
const pools: NodePool[] = [];
let node: string;

function context(login: 'root' | 'deploy'): ProviderContext {
  const n = bed.nodes[0];
  const pool = new NodePool([{ name: n.name, host: '127.0.0.1', port: n.sshPort, user: login, privateKey: bed.privateKeyPath, hostKey: n.hostKeyFingerprint }], { concurrency: 1, timeoutMs: 10_000, sshDir });
  pools.push(pool);
  return {
    scope: { project: 'it', stack: suffix, root: '/tmp', stackDir: '/tmp', lineage: 'test-lineage' }, signal: new AbortController().signal, emit: () => undefined,
    clients: {
      docker: () => { throw new Error('not used'); },
      forward: () => { throw new Error('not used'); },
      transport: (name) => pool.connection(name),
    },
  };
}

const check = (name: string, command: string, user?: string): DesiredResource => ({
  address: `version_check.${name}`, type: 'version_check', dependsOn: [], sensitive: [],
  attributes: { node, service: name, command, range: '>=1', ...(user ? { user } : {}) },
});

/** What each check printed at plan time, by address. */
async function observedStdout(ctx: ProviderContext, desired: DesiredResource[]): Promise<Record<string, string>> {
  const { observed } = await observeAndPlan(ctx, desired, new MemoryState());
  expect([...observed.unreadable]).toEqual([]);
  return Object.fromEntries([...observed.objects].map(([address, o]) => [address, String((o.attributes as { stdout: string }).stdout)]));
}

beforeAll(async () => {
  bed = await startNodes({ count: 1, namePrefix: `it-vcmd-${suffix}` });
  node = bed.nodes[0].name;
  sshDir = await mkdtemp(path.join(os.tmpdir(), 'omnitron-sshdir-'));
  const root = await context('root').clients.transport(node);
  await root.execOrThrow(['useradd', '--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--', SERVICE_USER]);
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await bed?.stop();
  if (sshDir) await rm(sshDir, { recursive: true, force: true });
});

describe('validateCommand on a real node', () => {
  it('plan runs it as the service user when it exists, else as nobody; never as root, also when the service user is root', async () => {
    const uid = (await (await context('root').clients.transport(node)).execOrThrow(['id', '-u', '--', SERVICE_USER])).stdout.trim();
    for (const login of ['root', 'deploy'] as const) {
      const seen = await observedStdout(context(login), [check('plain', WHO), check('own', WHO, SERVICE_USER), check('root', WHO, 'root'), check('gone', WHO, `no${suffix}`)]);
      expect(seen, `logged in as ${login}`).toEqual({
        'version_check.plain': '65534 nobody nnp=1\n1.2.3', 'version_check.own': `${uid} ${SERVICE_USER} nnp=1\n1.2.3`,
        'version_check.root': '65534 nobody nnp=1\n1.2.3', 'version_check.gone': '65534 nobody nnp=1\n1.2.3',
      });
    }
  });

  it('a check that needs root fails at plan, saying it ran as nobody; sudo does not get it back', async () => {
    const ctx = context('root');
    const { plan } = await observeAndPlan(ctx, [check('ok', '[ "$(id -u)" != 0 ] && echo 2.0.0')], new MemoryState());
    expect(summary(plan)).toEqual({ 'version_check.ok': 'noop (ok 2.0.0 satisfies >=1)' });
    await expect(observeAndPlan(ctx, [check('needsroot', 'cat /etc/shadow >/dev/null && echo 2.0.0')], new MemoryState()))
      .rejects.toMatchObject({ message: expect.stringContaining(`on node ${node}: needsroot version check \`cat /etc/shadow >/dev/null && echo 2.0.0\` exited with 1`), hint: expect.stringContaining('it runs as nobody, not root') });
    const sudo = await runCheck(await ctx.clients.transport(node), checkRequest('sudo -n id -u', undefined));
    expect(sudo).toMatchObject({ user: 'nobody' });
    expect(sudo.code).not.toBe(0);
    expect(sudo.stdout).toBe('');
  });

  it('an install\'s unless check runs unprivileged too: a check passing only as root means "not installed"', async () => {
    const install = (unless: string): DesiredResource => ({
      address: 'node_command.svc_install', type: 'node_command', dependsOn: [], sensitive: [], attributes: { node, command: 'true', unless, unlessUser: SERVICE_USER },
    });
    const { plan } = await observeAndPlan(context('root'), [install('[ "$(id -u)" = 0 ]')], new MemoryState());
    expect(summary(plan)).toEqual({ 'node_command.svc_install': 'create (`[ "$(id -u)" = 0 ]` fails)' });
    const { plan: satisfied } = await observeAndPlan(context('root'), [install(`[ "$(id -un)" = ${SERVICE_USER} ]`)], new MemoryState());
    expect(summary(satisfied)).toEqual({ 'node_command.svc_install': `noop (\`[ "$(id -un)" = ${SERVICE_USER} ]\` succeeds)` });
  });

  it('a check deferred to apply runs the same way', async () => {
    const ctx = context('deploy');
    const attributes = { node, service: 'late', command: '[ "$(id -u)" != 0 ] && id -un >&2 && echo 3.1.4', range: '^3', user: SERVICE_USER } as unknown as Json;
    const applied = await versionCheck.apply(ctx, { action: 'create', address: 'version_check.late', attributes });
    expect(applied?.outputs).toEqual({ version: '3.1.4' });
    const direct = await runCheck(await ctx.clients.transport(node), checkRequest('id -u; echo "$HOME|$PWD"', SERVICE_USER));
    expect(direct).toMatchObject({ code: 0, user: SERVICE_USER });
    const [uid, where] = direct.stdout.split('\n');
    expect(Number(uid)).toBeGreaterThan(0);
    expect(where).toMatch(/\|\/$/);
  });

  // Last: it takes nobody away from the node.
  it('with no unprivileged account on the node the check is not run, and the plan says why', async () => {
    const root = await context('root').clients.transport(node);
    await root.execOrThrow(['sh', '-c', 'sed -i "/^nobody:/d" /etc/passwd', 'remove-nobody']);
    const marker = `/tmp/omnitron-vcmd-${suffix}`;
    await expect(observeAndPlan(context('root'), [check('orphan', `touch ${marker}; echo 1.0.0`, 'root')], new MemoryState()))
      .rejects.toThrow(`orphan version check \`touch ${marker}; echo 1.0.0\` exited with 126: omnitron runs validateCommand only as an unprivileged user: the service user root does not exist or is root, and there is no user nobody`);
    expect((await root.exec(['test', '-e', marker])).code).toBe(1);
  });
});
