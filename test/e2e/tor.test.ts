/**
 * The `tor` preset on Docker: Debian's tor from the locally built image, hidden services whose
 * .onion addresses `omnitron tor` prints and which survive the container's re-creation. Tor never
 * reaches the network here: the test's config appends `DisableNetwork 1` through extraTorrc (tor
 * still creates the keys and hostname files). The `it`s run in order and share one stack.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireNode24, runCli, type CliResult } from './support/cli.js';
import { docker, inspectContainer, removeProjectObjects } from './support/docker.js';
import { expectExit } from './support/expect-cli.js';

const ONION = /^[a-z2-7]{56}\.onion$/;

interface Onions { stack: string; hiddenServices: Array<{ service: string; name: string; onion: string | null; virtualPort: number; target: string }> }

describe('tor hidden services on Docker', () => {
  let root: string;
  let project: string;
  let run: (...args: string[]) => Promise<CliResult>;
  let first: Onions;

  const config = (extra: string[]) => `export default {
  project: '${project}',
  apps: [],
  infrastructure: { services: { tor: { preset: 'tor', config: {
    hiddenServices: [
      { name: 'admin', virtualPort: 80, target: 'host.docker.internal:8080' },
      { name: 'webapp', virtualPort: 443, target: 9800 },
    ],
    extraTorrc: ${JSON.stringify(['DisableNetwork 1', ...extra])},
  } } } },
};
`;
  const container = () => `${project}-dev-tor`;
  const onions = async (): Promise<Onions> => JSON.parse(expectExit(await run('tor', '--json'), 0).stdout) as Onions;

  beforeAll(async () => {
    requireNode24();
    root = await mkdtemp(join(tmpdir(), 'omnitron-tor-'));
    project = `tor${randomBytes(3).toString('hex')}`;
    await writeFile(join(root, 'omnitron.config.ts'), config([]));
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', OMNITRON_STATE_KEY: randomBytes(32).toString('hex') };
    delete env.OMNITRON_STATE_KEY_FILE;
    delete env.OMNITRON_STATE_URL;
    run = (...args) => runCli(args, { cwd: root, env });
  });

  afterAll(async () => {
    try {
      if (project) await removeProjectObjects(project);
    } finally {
      if (root) await rm(root, { recursive: true, force: true });
    }
  });

  it('omnitron tor before apply says the service is not running', async () => {
    const r = expectExit(await run('tor'), 1);
    expect(r.stderr).toContain('service "tor" is not running');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('apply runs tor healthy and omnitron tor prints one .onion per hidden service', async () => {
    expectExit(await run('apply', '--auto-approve'), 0);
    expect((await inspectContainer(container())).State.Health?.Status).toBe('healthy');
    first = await onions();
    expect(first.hiddenServices.map((h) => [h.name, h.virtualPort, h.target])).toEqual([['admin', 80, 'host.docker.internal:8080'], ['webapp', 443, '9800']]);
    for (const h of first.hiddenServices) expect(h.onion, h.name).toMatch(ONION);
    expect(first.hiddenServices[0].onion).not.toBe(first.hiddenServices[1].onion);
    const text = expectExit(await run('tor'), 0).stdout;
    expect(text).toContain(`admin   ${first.hiddenServices[0].onion}  (port 80 → host.docker.internal:8080)`);
  });

  it('runs a locked-down torrc: no SOCKS, relay or directory port, no exit', async () => {
    const torrc = await docker('exec', container(), 'cat', '/tmp/torrc');
    for (const line of ['SocksPort 0', 'ORPort 0', 'DirPort 0', 'ControlPort 0', 'ExitPolicy reject *:*', 'HiddenServiceDir /var/lib/tor/hs-admin', 'HiddenServicePort 443 9800']) {
      expect(torrc.split('\n'), line).toContain(line);
    }
    expect(torrc.trimEnd().endsWith('DisableNetwork 1')).toBe(true);
    // Listening TCP sockets in the container's network namespace, less Docker's DNS on 127.0.0.11.
    const listening = await docker('exec', container(), 'sh', '-c', 'cat /proc/net/tcp /proc/net/tcp6 | awk \'$4 == "0A" && $2 !~ /^0B00007F:/\' | wc -l');
    expect(listening.trim()).toBe('0');
  });

  it('keeps each hidden service directory private to the tor user (0700)', async () => {
    const modes = await docker('exec', container(), 'stat', '-c', '%U %a', '/var/lib/tor/hs-admin', '/var/lib/tor/hs-webapp', '/var/lib/tor/hs-admin/hs_ed25519_secret_key');
    expect(modes.trim().split('\n').map((l) => l.replace(/^(\S+) \d?(\d{3})$/, '$1 $2'))).toEqual(['debian-tor 700', 'debian-tor 700', 'debian-tor 600']);
  });

  it('a container removed out of band comes back with the same addresses', async () => {
    await docker('rm', '-f', container());
    expect(expectExit(await run('plan', '--detailed-exitcode'), 2).stdout).toContain('docker_container.tor');
    expectExit(await run('apply', '--auto-approve'), 0);
    expect(await onions()).toEqual(first);
  });

  it('a torrc change replaces the container and keeps the addresses', async () => {
    await writeFile(join(root, 'omnitron.config.ts'), config(['HiddenServiceMaxStreams 100']));
    const applied = expectExit(await run('apply', '--auto-approve'), 0).stdout;
    expect(applied).toMatch(/docker_container\.tor/);
    expect(await docker('exec', container(), 'cat', '/tmp/torrc')).toContain('HiddenServiceMaxStreams 100');
    expect(await onions()).toEqual(first);
  });
});
