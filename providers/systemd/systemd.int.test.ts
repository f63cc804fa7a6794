/**
 * The systemd provider against two real systemd+sshd nodes, through the real planner and apply walker:
 * users, a directory and files with hostile paths, a generated unit with hostile ExecStart words and
 * env, one reload, the service; then no-op observes (round trips counted), drift, a service reloaded
 * (not restarted) on new reloadInputs, version checks, packages, and a node that went away.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../planner/hash.js';
import type { DesiredResource, ProviderContext } from '../../planner/resource.js';
import { startNodes, type NodeBed } from '../../test/support/nodes/index.js';
import { NodePool } from '../ssh/pool.js';
import type { Transport } from '../../planner/transport.js';
import { writeInputsMarker } from './commands.js';
import { encodeRequests, parseProbeOutput, probeCommand, type ProbeRequest } from './probe.js';
import { renderServiceUnit, systemdQuote } from '../../planner/desired/render-unit.js';
import { applyAll, CountingTransport, MemoryState, observeAndPlan, summary } from '../../test/support/systemd/harness.js';

const suffix = randomBytes(4).toString('hex');
const USER = `omit${suffix}`;
const SERVICE = `omnitron-it-${suffix}.service`;
const DIR = '/srv/a b';
const HOSTILE_FILE = "/srv/a b/it's;$(x).conf";
const ENV_FILE = `/etc/omnitron-it/${suffix}.env`;
const ARGS = ['a b', "it's", '"dq"', '$HOME', '$(touch /tmp/pwned)', '%h', 'back\\slash', ';', '', 'é ü'];
const SECRET = "it's; $(touch /tmp/pwned) `x`";
const STATE_DIR = `omnitron-it/${suffix}`;
const HUP_SERVICE = `omnitron-it-hup-${suffix}.service`;
const HUP_DIR = `omnitron-it-hup-${suffix}`;

let bed: NodeBed;
let sshDir: string;
let pool: NodePool;
let n1: string;
let n2: string;
const counting = new Map<string, CountingTransport>();
const state = new MemoryState();

function makePool(): NodePool {
  return new NodePool(bed.nodes.map((n) => ({ name: n.name, host: '127.0.0.1', port: n.sshPort, user: 'root', privateKey: bed.privateKeyPath, hostKey: n.hostKeyFingerprint })), { concurrency: 4, timeoutMs: 10_000, sshDir });
}

function context(from: NodePool): ProviderContext {
  // Round trips are counted for the run's pool only; another pool is another run.
  const wrappers = from === pool ? counting : new Map<string, CountingTransport>();
  return {
    scope: { project: 'it', stack: suffix, root: '/tmp', stackDir: '/tmp', lineage: 'test-lineage' }, signal: new AbortController().signal, emit: () => undefined,
    clients: {
      docker: () => { throw new Error('not used'); },
      forward: () => { throw new Error('not used'); },
      transport: async (node) => {
        const connection = await from.connection(node);
        const wrapped = wrappers.get(node) ?? new CountingTransport(connection);
        wrappers.set(node, wrapped);
        return wrapped;
      },
    },
  };
}

const raw = (node: string): Promise<Transport> => pool.connection(node);
const resetCounts = () => { for (const c of counting.values()) c.reset(); };
const res = (address: string, type: string, attributes: DesiredResource['attributes'], dependsOn: string[] = [], sensitive: string[] = []): DesiredResource => ({ address, type, attributes, dependsOn, sensitive });

function unit(): string {
  const script = 'printf "%s\\n" "$@" > "$STATE_DIRECTORY/args"; printf "%s" "$SECRET" > "$STATE_DIRECTORY/secret"; exec /bin/sleep infinity';
  return renderServiceUnit({
    description: `omnitron integration test ${suffix}`, execStart: ['/bin/sh', '-c', script, 'sh', ...ARGS], user: USER, group: USER,
    environmentFile: ENV_FILE, stateDirectory: STATE_DIR, workingDirectory: '/',
  });
}

/** A shell that counts the SIGHUPs it gets (ExecReload) into $STATE_DIRECTORY/hups; a new process starts at 0. */
function hupUnit(): string {
  const script = 'f="$STATE_DIRECTORY/hups"; n=0; echo 0 > "$f"; trap \'n=$((n+1)); echo "$n" > "$f"\' HUP; while :; do sleep 1 & wait $!; done';
  return [
    '[Unit]', `Description=omnitron reload test ${suffix}`, '',
    '[Service]', 'Type=exec', `ExecStart=${systemdQuote(['/bin/sh', '-c', script])}`, 'ExecReload=/bin/kill -HUP $MAINPID', `StateDirectory=${HUP_DIR}`, '',
    '[Install]', 'WantedBy=multi-user.target', '',
  ].join('\n');
}

const ENV = `SECRET="${SECRET.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('$', '\\$').replaceAll('`', '\\`')}"\n`;

interface HupInputs { inputs: string; reloadInputs: string; health?: Record<string, string | number> }

function stack(overrides: { aptRange?: string; versionRange?: string; withTree?: boolean; hup?: HupInputs } = {}): DesiredResource[] {
  const content = unit();
  const hup = overrides.hup;
  const units = { [SERVICE]: sha256(content), ...(hup ? { [HUP_SERVICE]: sha256(hupUnit()) } : {}) };
  return [
    res('node_user.svc', 'node_user', { node: n1, name: USER, home: `/var/lib/${STATE_DIR}`, shell: '/usr/sbin/nologin', system: true }),
    res('node_directory.srv', 'node_directory', { node: n1, path: DIR, owner: USER, group: USER, mode: '0750' }, ['node_user.svc']),
    res('node_file.hostile', 'node_file', { node: n1, path: HOSTILE_FILE, content: 'listen = "0.0.0.0"\nname = it\'s\n', owner: USER, group: USER, mode: '0640' }, ['node_directory.srv']),
    res('node_file.env', 'node_file', { node: n1, path: ENV_FILE, content: ENV, owner: 'root', group: USER, mode: '0640' }, ['node_user.svc'], ['content']),
    res('systemd_unit.svc', 'systemd_unit', { node: n1, name: SERVICE, content }),
    res(`systemd_daemon_reload.${n1}`, 'systemd_daemon_reload', { node: n1, units }, ['systemd_unit.svc', ...(hup ? ['systemd_unit.hup'] : [])]),
    res('systemd_service.svc', 'systemd_service', { node: n1, name: SERVICE, enabled: true, active: true, inputs: sha256(content + ENV) }, [`systemd_daemon_reload.${n1}`, 'node_file.env', 'node_user.svc']),
    res('apt_package.sshd', 'apt_package', { node: n1, name: 'openssh-server', version: overrides.aptRange ?? '>=9' }),
    res('version_check.sshd', 'version_check', { node: n1, service: 'sshd', command: 'sshd -V', range: overrides.versionRange ?? '>=9.0' }),
    res('node_user.spare', 'node_user', { node: n2, name: USER, home: `/home/${USER}`, shell: '/bin/sh', system: false }),
    res('node_file.n2', 'node_file', { node: n2, path: '/etc/omnitron-it/n2.conf', content: 'x\n', owner: 'root', group: 'root', mode: '0644' }),
    ...(overrides.withTree ? [res('apt_package.tree', 'apt_package', { node: n2, name: 'tree' })] : []),
    ...(hup ? [
      res('systemd_unit.hup', 'systemd_unit', { node: n1, name: HUP_SERVICE, content: hupUnit() }),
      res('systemd_service.hup', 'systemd_service', { node: n1, name: HUP_SERVICE, enabled: true, active: true, ...hup }, [`systemd_daemon_reload.${n1}`]),
    ] : []),
  ];
}

async function converge(desired = stack()) {
  resetCounts();
  const ctx = context(pool);
  const { plan } = await observeAndPlan(ctx, desired, state);
  const outcome = await applyAll(ctx, plan, state);
  expect(outcome.failed).toEqual([]);
  return plan;
}

async function noopPlan(desired = stack()) {
  resetCounts();
  const started = performance.now();
  const { plan, observed } = await observeAndPlan(context(pool), desired, state);
  return { plan, observed, ms: performance.now() - started };
}

const mainPid = async (unitName: string) => (await (await raw(n1)).execOrThrow(['systemctl', 'show', '-p', 'MainPID', '--value', '--', unitName])).stdout.trim();
const n1Commands = () => counting.get(n1)!.commands.map((c) => c.join(' '));

/** The HUP count once it reads `want` (the trap runs just after ExecReload returns), or the last value read. */
async function hupCount(want: string): Promise<string> {
  let seen = '';
  for (let i = 0; i < 50 && seen !== want; i++) {
    if (i > 0) await sleep(100);
    seen = (await (await raw(n1)).exec(['cat', '--', `/var/lib/${HUP_DIR}/hups`])).stdout.trim();
  }
  return seen;
}

beforeAll(async () => {
  bed = await startNodes({ count: 2, namePrefix: `it-sysd-${suffix}` });
  [n1, n2] = bed.nodes.map((n) => n.name);
  sshDir = await mkdtemp(path.join(os.tmpdir(), 'omnitron-sshdir-'));
  pool = makePool();
});

afterAll(async () => {
  await pool?.close();
  await bed?.stop();
  if (sshDir) await rm(sshDir, { recursive: true, force: true });
});

describe('the systemd provider on real nodes', () => {
  it('creates everything, runs the service with the exact hostile argv and env', async () => {
    const plan = await converge();
    expect(summary(plan)).toMatchObject({
      'node_user.svc': 'create (not found)', 'node_file.hostile': 'create (not found)', 'systemd_service.svc': 'create (not found)',
      [`systemd_daemon_reload.${n1}`]: `create (unit files change: ${SERVICE})`, 'apt_package.sshd': expect.stringMatching(/^noop \(openssh-server 1:9\.\d.* satisfies >=9\)$/),
      'version_check.sshd': 'noop (sshd 9.2 satisfies >=9.0)',
    });
    const node = await raw(n1);
    expect((await node.get(HOSTILE_FILE)).toString()).toBe('listen = "0.0.0.0"\nname = it\'s\n');
    expect((await node.execOrThrow(['stat', '-c', '%a %U %G', '--', HOSTILE_FILE, DIR, ENV_FILE])).stdout).toBe(`640 ${USER} ${USER}\n750 ${USER} ${USER}\n640 root ${USER}\n`);
    expect((await node.get(`/var/lib/${STATE_DIR}/args`)).toString()).toBe(ARGS.map((a) => `${a}\n`).join(''));
    expect((await node.get(`/var/lib/${STATE_DIR}/secret`)).toString()).toBe(SECRET);
    expect((await node.exec(['test', '-e', '/tmp/pwned'])).code).toBe(1);
    expect((await node.execOrThrow(['systemctl', 'is-active', '--', SERVICE])).stdout).toBe('active\n');
    const reloads = counting.get(n1)!.commands.filter((c) => c.join(' ') === 'systemctl daemon-reload');
    expect(reloads).toHaveLength(1);
  });

  it('a no-op plan: everything unchanged, one probe exec per node', async () => {
    const { plan, observed, ms } = await noopPlan();
    expect(plan.changes.filter((c) => c.action !== 'noop')).toEqual([]);
    for (const node of [n1, n2]) expect(counting.get(node)!.roundTrips).toBe(1);
    console.log(`systemd no-op observe+plan of ${plan.changes.length} resources on 2 nodes: ${ms.toFixed(0)} ms, round trips per node: ${[n1, n2].map((n) => counting.get(n)!.roundTrips).join(', ')}`);
    expect(JSON.stringify([...observed.objects.values()])).not.toContain(SECRET);
  });

  it('the probe answers packages and units in one batch exactly as each alone, and as when a missing package or a hostile unit name breaks the batch', async () => {
    const node = await raw(n1);
    const ask = async (requests: ProbeRequest[]) => parseProbeOutput((await node.execOrThrow(probeCommand(), { stdin: encodeRequests(requests) })).stdout, requests.length);
    const requests: ProbeRequest[] = [
      ...['openssh-server', 'bash', 'systemd', 'libc6'].map((name): ProbeRequest => ({ kind: 'package', name })),
      ...[SERVICE, 'ssh.service', 'sshd.service', 'no-such-omnitron.service', 'systemd-tmpfiles-clean.timer', 'dbus.socket'].map((name): ProbeRequest => ({ kind: 'unit', name })),
    ];
    const together = await ask(requests);
    const alone = await Promise.all(requests.map(async (r) => (await ask([r]))[0]));
    expect(together).toEqual(alone);
    const breakers: ProbeRequest[] = [{ kind: 'package', name: 'no-such-package-omnitron' }, { kind: 'unit', name: "a b;$(touch /tmp/pwned).service" }];
    const broken = await ask([...breakers, ...requests]);
    expect(broken.slice(breakers.length)).toEqual(together);
    expect(broken[0]).toEqual({ status: 'missing', fields: [] });
    expect((await node.exec(['test', '-e', '/tmp/pwned'])).code).toBe(1);
  });

  it('a unit edited out of band: unit, reload and service (inputs) update; apply restarts once', async () => {
    const node = await raw(n1);
    const pid = (await node.execOrThrow(['systemctl', 'show', '-p', 'MainPID', '--value', '--', SERVICE])).stdout.trim();
    await node.execOrThrow(['sh', '-c', 'printf "# edited by hand\\n" >> "$1"', 'sh', `/etc/systemd/system/${SERVICE}`]);
    const { plan } = await noopPlan();
    const changes = summary(plan);
    expect(changes['systemd_unit.svc']).toBe('update (changed outside omnitron)');
    expect(changes[`systemd_daemon_reload.${n1}`]).toBe(`update (unit files change: ${SERVICE})`);
    expect(changes['systemd_service.svc']).toMatch(/^update \(inputs changed \(unit file changed on disk since the last restart\)\)$/);
    expect(plan.changes.find((c) => c.address === 'systemd_unit.svc')?.diffs[0]).toMatchObject({ path: 'content', before: expect.stringContaining('# edited by hand') });
    resetCounts();
    expect((await applyAll(context(pool), plan, state)).failed).toEqual([]);
    expect(counting.get(n1)!.commands.filter((c) => c.join(' ') === 'systemctl daemon-reload')).toHaveLength(1);
    expect((await node.execOrThrow(['systemctl', 'show', '-p', 'MainPID', '--value', '--', SERVICE])).stdout.trim()).not.toBe(pid);
    expect((await noopPlan()).plan.changes.filter((c) => c.action !== 'noop')).toEqual([]);
  });

  it('systemctl stop: service update "inactive", apply starts it', async () => {
    await (await raw(n1)).execOrThrow(['systemctl', 'stop', '--', SERVICE]);
    const { plan } = await noopPlan();
    expect(summary(plan)['systemd_service.svc']).toMatch(new RegExp(`^update \\(unit ${SERVICE.replaceAll('.', '\\.')} is inactive \\(dead, NRestarts 0, signal 15\\)\\)$`));
    expect(plan.changes.filter((c) => c.action !== 'noop').map((c) => c.address)).toEqual(['systemd_service.svc']);
    expect(plan.drift.map((d) => d.address)).toEqual(['systemd_service.svc']);
    expect((await applyAll(context(pool), plan, state)).failed).toEqual([]);
    expect((await (await raw(n1)).execOrThrow(['systemctl', 'is-active', '--', SERVICE])).stdout).toBe('active\n');
  });

  it('new reloadInputs reload the unit (same pid, one more HUP); new inputs restart it', async () => {
    const v1 = { inputs: 'in-1', reloadInputs: 'rl-1' };
    expect(summary(await converge(stack({ hup: v1 })))['systemd_service.hup']).toBe('create (not found)');
    const pid = await mainPid(HUP_SERVICE);
    expect(await hupCount('0')).toBe('0');

    const v2 = { ...v1, reloadInputs: 'rl-2' };
    expect(summary(await converge(stack({ hup: v2 })))['systemd_service.hup']).toBe('update (reload inputs changed)');
    expect(n1Commands()).toContain(`systemctl reload -- ${HUP_SERVICE}`);
    expect(n1Commands()).not.toContain(`systemctl restart -- ${HUP_SERVICE}`);
    expect(await mainPid(HUP_SERVICE)).toBe(pid);
    expect(await hupCount('1')).toBe('1');
    expect((await (await raw(n1)).get(`/var/lib/omnitron/inputs/${HUP_SERVICE}`)).toString()).toMatch(/^inputs in-1\nunit [0-9a-f]{64}\nreload rl-2\n$/);
    expect(summary((await noopPlan(stack({ hup: v2 }))).plan)['systemd_service.hup']).toBe(`noop (unit ${HUP_SERVICE} is active (running))`);

    // A marker written before reloadInputs existed: unknown, so one reload.
    await (await raw(n1)).execOrThrow(writeInputsMarker(HUP_SERVICE, 'in-1'));
    expect(summary(await converge(stack({ hup: v2 })))['systemd_service.hup']).toBe('update (reload inputs changed)');
    expect(await hupCount('2')).toBe('2');
    expect(await mainPid(HUP_SERVICE)).toBe(pid);

    const v3 = { inputs: 'in-2', reloadInputs: 'rl-3' };
    expect(summary(await converge(stack({ hup: v3 })))['systemd_service.hup']).toBe('update (inputs changed)');
    expect(n1Commands()).toContain(`systemctl restart -- ${HUP_SERVICE}`);
    expect(n1Commands()).not.toContain(`systemctl reload -- ${HUP_SERVICE}`);
    expect(await mainPid(HUP_SERVICE)).not.toBe(pid);
    expect(await hupCount('0')).toBe('0');

    const removed = summary(await converge());
    expect([removed['systemd_service.hup'], removed['systemd_unit.hup']]).toEqual(['delete (no longer in config)', 'delete (no longer in config)']);
    expect((await (await raw(n1)).exec(['systemctl', 'is-active', '--', HUP_SERVICE])).stdout.trim()).not.toBe('active');
  });

  it('a health-checked service passes its check before apply goes on; one that never answers fails naming the check and its answer', async () => {
    const timing = { interval: 200, timeout: 2_000, retries: 2, startPeriod: 0 };
    const answers = { inputs: 'h-1', reloadInputs: 'rl-1', health: { type: 'command', target: `test -s /var/lib/${HUP_DIR}/hups`, ...timing } };
    await converge(stack({ hup: answers }));
    // The check goes through the probe (unprivileged), after the restart.
    const after = n1Commands().slice(n1Commands().indexOf(`systemctl restart -- ${HUP_SERVICE}`));
    expect(after.some((c) => c.includes('omnitron-probe'))).toBe(true);

    const silent = { inputs: 'h-2', reloadInputs: 'rl-1', health: { type: 'tcp', target: '127.0.0.1:9', ...timing } };
    const ctx = context(pool);
    const { plan } = await observeAndPlan(ctx, stack({ hup: silent }), state);
    const outcome = await applyAll(ctx, plan, state);
    expect(outcome.failed.map((f) => f.address)).toEqual(['systemd_service.hup']);
    expect(outcome.failed[0].message).toMatch(new RegExp(`^on node ${n1}: ${HUP_SERVICE.replaceAll('.', '\\.')} is active but its health check tcp 127\\.0\\.0\\.1:9 failed 3 times in a row; last answer: exit 1`));
    await converge();
  });

  it('a user deleted out of band is created again', async () => {
    await (await raw(n2)).execOrThrow(['userdel', '--', USER]);
    const { plan } = await noopPlan();
    expect(summary(plan)['node_user.spare']).toBe('create (deleted outside omnitron)');
    await converge();
    expect((await (await raw(n2)).execOrThrow(['getent', 'passwd', USER])).stdout).toMatch(new RegExp(`^${USER}:x:1\\d{3}:`));
  });

  it('version checks and package ranges that do not hold fail the plan with a clear message', async () => {
    await expect(noopPlan(stack({ versionRange: '>=99' }))).rejects.toThrow(`on node ${n1}: sshd version check \`sshd -V\` printed sshd 9.2, which does not satisfy >=99`);
    await expect(noopPlan(stack({ aptRange: '>=99' }))).rejects.toThrow(new RegExp(`^on node ${n1}: package openssh-server 1:9\\.2p1-\\S+ is installed, which does not satisfy >=99$`));
  });

  it('installs a missing package (apt-get update once)', async () => {
    const plan = await converge(stack({ withTree: true }));
    expect(summary(plan)['apt_package.tree']).toBe('create (not installed)');
    expect(state.get('apt_package.tree')?.outputs.version).toMatch(/^\d/);
    expect(counting.get(n2)!.commands.filter((c) => c.includes('update'))).toHaveLength(1);
    expect(summary((await noopPlan(stack({ withTree: true }))).plan)['apt_package.tree']).toMatch(/^noop \(tree .* is installed\)$/);
  });

  it('a stopped node: its addresses are unreadable with the cause, the other node is observed', async () => {
    await bed.halt(n2);
    const fresh = makePool();
    try {
      const { observed } = await observeAndPlan(context(fresh), stack(), state);
      const unreadable = [...observed.unreadable];
      // apt_package.tree is no longer in config but state remembers it on that node.
      expect(unreadable.map(([a]) => a).sort()).toEqual(['apt_package.tree', 'node_file.n2', 'node_user.spare']);
      for (const [, why] of unreadable) expect(why).toMatch(new RegExp(`^cannot connect to node ${n2} \\(root@127\\.0\\.0\\.1:\\d+\\): `));
      expect(observed.objects.has('systemd_service.svc')).toBe(true);
    } finally {
      await fresh.close();
    }
  });
});
