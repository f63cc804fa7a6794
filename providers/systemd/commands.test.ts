import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { shellCommand } from '../ssh/argv.js';
import {
  aptInstall, aptUpdate, chmod, chown, daemonReload, extractRelease, installDir, installedVersion, journal, placeArtifact, removeFile,
  switchRelease, systemctl, unitState, useradd, userdel, usermod, writeInputsMarker,
} from './commands.js';

const HOSTILE = "/srv/a b/it's;$(touch pwned).conf";
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

describe('argv builders', () => {
  it('keep hostile paths as single words after --', () => {
    expect(installDir(HOSTILE, '0750', 'app', 'app')).toEqual(['install', '-d', '-m', '0750', '-o', 'app', '-g', 'app', '--', HOSTILE]);
    expect(chown('app', 'adm', HOSTILE)).toEqual(['chown', 'app:adm', '--', HOSTILE]);
    expect(chmod('0600', HOSTILE)).toEqual(['chmod', '0600', '--', HOSTILE]);
    expect(removeFile(HOSTILE)).toEqual(['rm', '-f', '--', HOSTILE]);
    expect(shellCommand(removeFile(HOSTILE))).toBe(`rm -f -- '/srv/a b/it'\\''s;$(touch pwned).conf'`);
  });

  it('build systemctl, journalctl and apt commands', () => {
    expect(systemctl('restart', 'omnitron-auth.service')).toEqual(['systemctl', 'restart', '--', 'omnitron-auth.service']);
    expect(daemonReload()).toEqual(['systemctl', 'daemon-reload']);
    expect(unitState('a.service')).toEqual(['systemctl', 'show', '-p', 'ActiveState,SubState,NRestarts,ExecMainCode,ExecMainStatus', '--', 'a.service']);
    expect(journal('a.service')).toEqual(['journalctl', '--unit=a.service', '-n', '30', '--no-pager', '-o', 'short-iso']);
    expect(aptUpdate()).toEqual(['apt-get', '-o', 'DPkg::Lock::Timeout=300', '-q', 'update']);
    expect(aptInstall('tree')).toEqual(['apt-get', '-o', 'DPkg::Lock::Timeout=300', '-q', 'install', '-y', '--no-install-recommends', 'tree']);
    expect(installedVersion('tree')).toEqual(['dpkg-query', '-W', '-f=${Version}', '--', 'tree']);
  });

  it('build user commands (system users get no home made)', () => {
    const u = { name: 'omnitron-auth', home: '/var/lib/omnitron/auth', shell: '/usr/sbin/nologin', system: true };
    expect(useradd(u)).toEqual(['useradd', '--system', '--user-group', '--home-dir', '/var/lib/omnitron/auth', '--no-create-home', '--shell', '/usr/sbin/nologin', '--', 'omnitron-auth']);
    expect(useradd({ ...u, system: false })).toEqual(['useradd', '--user-group', '--home-dir', '/var/lib/omnitron/auth', '--create-home', '--shell', '/usr/sbin/nologin', '--', 'omnitron-auth']);
    expect(usermod(u)).toEqual(['usermod', '--home', '/var/lib/omnitron/auth', '--shell', '/usr/sbin/nologin', '--', 'omnitron-auth']);
    expect(userdel('omnitron-auth')).toEqual(['userdel', '--', 'omnitron-auth']);
  });

  it('pass values to fixed scripts as positional parameters, never in the script text', () => {
    const argv = writeInputsMarker('a.service', "$(id)'x");
    expect(argv.slice(3)).toEqual(['omnitron-marker', '/var/lib/omnitron/inputs', 'a.service', "$(id)'x"]);
    expect(argv[2]).not.toContain('$(id)');
    for (const built of [placeArtifact(HOSTILE, HOSTILE, 'x', '0755', true), extractRelease(HOSTILE, HOSTILE, 'r', HOSTILE, 'app'), switchRelease(HOSTILE, 'r', 'k')]) {
      expect(built[2]).not.toContain(HOSTILE);
      expect(built.slice(4)).toContain(HOSTILE);
    }
  });
});

// The scripts under the local /bin/sh, in a directory whose name is hostile.
describe('release and artifact scripts, run by sh', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'omnitron-cmd-'));
  const root = path.join(base, "app's $(touch pwned) dir");
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const run = (argv: string[]) => spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', cwd: base });

  function tarball(name: string, content: string): { file: string; sha: string } {
    const src = path.join(base, `src-${name}`);
    mkdirSync(src, { recursive: true });
    writeFileSync(path.join(src, 'main.js'), content);
    const file = path.join(base, `${name}.tar.gz`);
    expect(spawnSync('tar', ['-czf', file, '-C', src, '.']).status).toBe(0);
    return { file, sha: sha(readFileSync(file)) };
  }

  function extract(release: { file: string; sha: string }) {
    const uploaded = path.join(base, 'upload.tgz');
    writeFileSync(uploaded, readFileSync(release.file));
    return run(extractRelease(uploaded, root, release.sha, release.sha, 'root'));
  }

  it('extract, switch atomically, keep the last five current, prune older, and note each switch', () => {
    const [a, b, c] = [tarball('a', 'A'), tarball('b', 'B'), tarball('c', 'C')];
    const releases = () => readdirSync(path.join(root, 'releases')).sort();
    expect(extract(a).status).toBe(0);
    expect(run(switchRelease(root, a.sha, '')).status).toBe(0);
    expect(readFileSync(path.join(root, 'current', 'main.js'), 'utf8')).toBe('A');
    expect(extract(b).status).toBe(0);
    expect(run(switchRelease(root, b.sha, a.sha)).status).toBe(0);
    expect(readlinkSync(path.join(root, 'current'))).toBe(`releases/${b.sha}`);
    expect(releases()).toEqual([a.sha, b.sha].sort());
    expect(extract(c).status).toBe(0);
    expect(run(switchRelease(root, c.sha, b.sha)).status).toBe(0);
    expect(releases()).toEqual([a.sha, b.sha, c.sha].sort());
    // Rollback: a switch to a kept release, no upload.
    expect(run(switchRelease(root, a.sha, c.sha, 'rollback')).status).toBe(0);
    expect(readFileSync(path.join(root, 'current', 'main.js'), 'utf8')).toBe('A');
    expect(releases()).toEqual([a.sha, b.sha, c.sha].sort());
    expect(readdirSync(root).sort()).toEqual(['current', 'history', 'releases']);
    expect(readFileSync(path.join(root, 'history'), 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ').slice(1).join(' ')))
      .toEqual([`${a.sha} deployed`, `${b.sha} deployed`, `${c.sha} deployed`, `${a.sha} rollback`]);
    const more = ['d', 'e', 'f', 'g'].map((n) => tarball(n, n.toUpperCase()));
    for (const r of more) {
      expect(extract(r).status).toBe(0);
      expect(run(switchRelease(root, r.sha, a.sha)).status).toBe(0);
    }
    // Current g, then f, e, d, a (b and c were current longest ago).
    expect(releases()).toEqual([a.sha, ...more.map((r) => r.sha)].sort());
    expect(existsSync(path.join(base, 'pwned'))).toBe(false);
  }, 20_000); // many short processes: slow on a loaded machine

  it('refuses a tarball whose sha256 is not the one apply wrote', () => {
    const uploaded = path.join(base, 'bad.tgz');
    writeFileSync(uploaded, 'not it');
    const result = run(extractRelease(uploaded, root, 'f'.repeat(64), 'e'.repeat(64), 'root'));
    expect(result.status).toBe(3);
    expect(result.stderr).toContain(`sha256 of the uploaded release ${'f'.repeat(64)} is ${sha('not it')}, expected ${'e'.repeat(64)}`);
    expect(existsSync(path.join(root, 'releases', 'f'.repeat(64)))).toBe(false);
  });

  it('places a gzipped artifact after checking its sha256, and leaves the old file on a mismatch', () => {
    const dest = path.join(base, "bin dir; it's", 'node');
    mkdirSync(path.dirname(dest), { recursive: true });
    writeFileSync(dest, 'old');
    const upload = (bytes: Buffer) => { writeFileSync(`${dest}.omnitron-upload`, bytes); return `${dest}.omnitron-upload`; };
    const bad = run(placeArtifact(upload(gzipSync('new')), dest, sha('other'), '0755', true));
    expect(bad.status).toBe(3);
    expect(readFileSync(dest, 'utf8')).toBe('old');
    expect(existsSync(`${dest}.omnitron-upload`)).toBe(false);
    expect(run(placeArtifact(upload(gzipSync('new')), dest, sha('new'), '0755', true)).status).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe('new');
    expect(statSync(dest).mode & 0o777).toBe(0o755);
    expect(run(placeArtifact(upload(Buffer.from('plain')), dest, sha('plain'), '0700', false)).status).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe('plain');
    expect(readdirSync(path.dirname(dest))).toEqual(['node', 'node.omnitron-sha256']);
    expect(readFileSync(`${dest}.omnitron-sha256`, 'utf8')).toMatch(new RegExp(`^${sha('plain')} 5 \\d+\\n$`));
  });
});
