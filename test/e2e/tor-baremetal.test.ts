/**
 * The `tor` preset on a bare-metal node (a systemd + sshd container): Debian's tor, omnitron's torrc
 * in /etc/tor/torrc, `omnitron tor` over SSH, and the same .onion after the node reboots. Tor never
 * reaches the network: the config appends `DisableNetwork 1` through extraTorrc, and the node image
 * keeps the package's tor disabled until omnitron has written that torrc.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodes, type NodeBed } from '../support/nodes/index.js';
import { waitFor } from '../support/wait.js';
import { requireNode24, runCli, type CliResult } from './support/cli.js';
import { expectExit } from './support/expect-cli.js';
import { sshRun } from './support/ssh.js';

const ONION = /^[a-z2-7]{56}\.onion$/;
const prefix = `e2etor${randomBytes(3).toString('hex')}`;

interface Onions { hiddenServices: Array<{ name: string; onion: string | null }> }

describe('tor hidden services on a bare-metal node', () => {
  let bed: NodeBed;
  let root: string;
  let run: (...args: string[]) => Promise<CliResult>;
  let first: Onions;

  const edge = () => bed.node(`${prefix}-edge`);
  const ssh = (...argv: string[]) => sshRun(edge(), bed.privateKeyPath, argv);
  const onions = async (): Promise<Onions> => JSON.parse(expectExit(await run('tor', '--json'), 0).stdout) as Onions;

  beforeAll(async () => {
    requireNode24();
    bed = await startNodes({ count: 1, namePrefix: prefix, names: ['edge'] });
    root = await mkdtemp(join(tmpdir(), 'omnitron-tor-bm-'));
    await writeFile(join(root, 'omnitron.config.ts'), `export default {
  project: '${prefix}',
  apps: [],
  infrastructure: { services: { tor: { preset: 'tor', config: {
    hiddenServices: [{ name: 'admin', virtualPort: 80, target: '127.0.0.1:8080' }],
    extraTorrc: ['DisableNetwork 1'],
  } } } },
  stacks: { edge: { type: 'remote', nodes: [{
    name: 'edge', role: 'app', host: '127.0.0.1', address: '${edge().address}',
    ssh: { user: 'root', port: Number(process.env.E2E_TOR_SSH_PORT), privateKey: '${bed.privateKeyPath}' },
  }] } },
};
`);
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', HOME: root, OMNITRON_STATE_KEY: randomBytes(32).toString('hex') };
    delete env.OMNITRON_STATE_KEY_FILE;
    delete env.OMNITRON_STATE_URL;
    // A restarted node gets another SSH port on 127.0.0.1.
    run = (...args) => runCli([...args, '--stack', 'edge'], { cwd: root, env: { ...env, E2E_TOR_SSH_PORT: String(edge().sshPort) } });
  });

  afterAll(async () => {
    await bed?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('apply installs the torrc and starts tor; omnitron tor prints the address over SSH', async () => {
    expectExit(await run('apply', '--auto-approve', '--trust-new-hosts'), 0);
    await waitFor(async () => (await ssh('test', '-s', '/var/lib/tor/hs-admin/hostname')).code === 0, 'tor to write the hostname file', 30_000, 250);
    first = await onions();
    expect(first.hiddenServices.map((h) => h.name)).toEqual(['admin']);
    expect(first.hiddenServices[0].onion).toMatch(ONION);
    expect((await ssh('cat', '/var/lib/tor/hs-admin/hostname')).stdout.trim()).toBe(first.hiddenServices[0].onion);
  });

  it('runs tor as debian-tor with the locked-down torrc and a private key directory, listening on no TCP port', async () => {
    const torrc = (await ssh('cat', '/etc/tor/torrc')).stdout.split('\n');
    for (const line of ['SocksPort 0', 'ORPort 0', 'DirPort 0', 'ExitPolicy reject *:*', 'HiddenServicePort 80 127.0.0.1:8080', 'DisableNetwork 1']) expect(torrc, line).toContain(line);
    expect((await ssh('stat', '-c', '%U %a', '/var/lib/tor/hs-admin')).stdout.trim().replace(/ \d?(\d{3})$/, ' $1')).toBe('debian-tor 700');
    expect((await ssh('ps', '-o', 'user=', '-C', 'tor')).stdout.trim()).toBe('debian-tor');
    expect((await ssh('sh', '-c', 'ss -ltnpH | grep tor || true')).stdout.trim()).toBe('');
  });

  it('the node reboots and tor comes back with the same address; the plan is clean', async () => {
    await bed.restart(`${prefix}-edge`);
    await waitFor(async () => (await ssh('systemctl', 'is-active', 'tor@default.service')).stdout.trim() === 'active', 'tor@default to start at boot', 60_000, 250);
    expect(await onions()).toEqual(first);
    const plan = expectExit(await run('plan', '--detailed-exitcode'), 0);
    expect(plan.stdout).toContain('No changes.');
  });
});
