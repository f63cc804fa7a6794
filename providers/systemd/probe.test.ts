import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandFact, dirFact, FactError, fileFact, markerFact, packageFact, releaseFact, unitFact, userFact } from './facts.js';
import { decodeRequests, encodeAnswer, encodeRequests, parseProbeOutput, probeCommand, type ProbeRequest } from './probe.js';
import { localProbe } from '../../test/support/systemd/local-probe.js';

const HOSTILE = "a b/it's;$(touch pwned)`x`\"q\".conf";
const IS_ROOT = process.getuid?.() === 0;
/** A validateCommand never runs as root: as root the probe drops to nobody; as anyone else it already is unprivileged. */
const UNPRIVILEGED = IS_ROOT ? 'nobody' : os.userInfo().username;

describe('encoding requests', () => {
  it('writes one line per request: values as =text, or base64 when they hold a tab or line break', () => {
    const stdin = encodeRequests([{ kind: 'file', path: "/etc/x y'$(z)", content: true }, { kind: 'command', command: '' }, { kind: 'dir', path: '/a\tb\nc' }, { kind: 'unit', name: '=a.service' }]);
    expect(stdin).toBe(`0\tfile\t=/etc/x y'$(z)\t=1\n1\tcommand\t=\n2\tdir\t${Buffer.from('/a\tb\nc').toString('base64')}\n3\tunit\t==a.service\n`);
  });

  it('round-trips through decodeRequests, hostile values included', () => {
    const requests: ProbeRequest[] = [
      { kind: 'file', path: `/srv/${HOSTILE}`, content: false }, { kind: 'dir', path: '/tmp\t\nx' }, { kind: 'dir', path: ' lead and trail\\ ' }, { kind: 'user', name: 'u' },
      { kind: 'package', name: 'tree' }, { kind: 'marker', path: '/m' }, { kind: 'release', root: '/r' }, { kind: 'command', command: 'echo "$(id)"; x' },
    ];
    expect(decodeRequests(encodeRequests(requests))).toEqual(requests);
  });

  it('runs a constant script; values only ever arrive on stdin', () => {
    const argv = probeCommand();
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv[3]).toBe('omnitron-probe');
  });
});

describe('parseProbeOutput', () => {
  it('indexes answers and decodes fields (base64 or =text)', () => {
    const out = `${encodeAnswer(1, 'missing')}\n${encodeAnswer(0, 'ok', ['a', 'b c'])}\t=644\t=\n`;
    const answers = parseProbeOutput(out, 2);
    expect(answers[0].status).toBe('ok');
    expect(answers[0].fields.map(String)).toEqual(['a', 'b c', '644', '']);
    expect(answers[1]).toEqual({ status: 'missing', fields: [] });
  });

  it('decodes escaped text: backslash, tab and newline', () => {
    expect(parseProbeOutput('0\tok\t~a\\\\b\\tc\\nd\\\\n\t~\n', 1)[0].fields.map(String)).toEqual(['a\\b\tc\nd\\n', '']);
  });

  it('rejects output that is not the probe’s, and a missing answer', () => {
    expect(() => parseProbeOutput('bash: line 1: base64: not found\n', 1)).toThrow(/unexpected probe output line "bash: line 1/);
    expect(() => parseProbeOutput(`${encodeAnswer(0, 'ok')}\n`, 2)).toThrow('the probe gave no answer for request 1 of 2');
    expect(() => parseProbeOutput(`${encodeAnswer(5, 'ok')}\n`, 2)).toThrow(/unexpected probe output/);
  });
});

const raw = (status: 'ok' | 'missing' | 'conflict' | 'error', ...fields: Array<string | Buffer>) => ({ status, fields: fields.map((f) => Buffer.from(f)) });

describe('facts', () => {
  it('reads files: mode padded, content only when valid UTF-8', () => {
    expect(fileFact(raw('ok', '644', 'root', 'adm', '3', 'abc', 'hi\n'))).toEqual({ state: 'present', mode: '0644', owner: 'root', group: 'adm', size: 3, sha256: 'abc', content: 'hi\n' });
    expect(fileFact(raw('ok', '4755', 'root', 'root', '3', 'abc', Buffer.from([0xff, 0xfe])))).not.toHaveProperty('content');
    expect(fileFact(raw('ok', '600', 'root', 'root', '99999', 'abc'))).not.toHaveProperty('content');
    expect(fileFact(raw('missing'))).toEqual({ state: 'missing' });
    expect(fileFact(raw('conflict', 'directory'))).toEqual({ state: 'conflict', what: 'directory' });
    expect(() => fileFact(raw('error', 'stat: Permission denied'))).toThrow(new FactError('stat: Permission denied'));
  });

  it('reads dirs, users, packages, markers, releases and commands', () => {
    expect(dirFact(raw('ok', '750', 'app', 'app'))).toEqual({ state: 'present', mode: '0750', owner: 'app', group: 'app' });
    expect(userFact(raw('ok', 'app:x:998:997:App:/opt/app:/usr/sbin/nologin\n'))).toEqual({ state: 'present', name: 'app', uid: 998, gid: 997, home: '/opt/app', shell: '/usr/sbin/nologin' });
    expect(packageFact(raw('ok', 'ii \t1:9.2p1-2+deb12u3'))).toEqual({ state: 'present', installed: true, status: 'ii', version: '1:9.2p1-2+deb12u3' });
    expect(packageFact(raw('ok', 'rc \t1.0-1'))).toMatchObject({ installed: false });
    expect(packageFact(raw('ok', 'hi \t1.0-1'))).toMatchObject({ installed: true });
    expect(markerFact(raw('ok', 'inputs abc\nunit def'))).toEqual({ state: 'present', content: 'inputs abc\nunit def' });
    expect(releaseFact(raw('ok', 'releases/bbb', 'bbb\naaa\n'))).toEqual({ state: 'present', current: 'releases/bbb', releases: ['aaa', 'bbb'] });
    expect(releaseFact(raw('ok', '', ''))).toEqual({ state: 'present', releases: [] });
    expect(commandFact(raw('ok', '3', 'out', 'err'))).toEqual({ code: 3, stdout: 'out', stderr: 'err' });
  });

  it('reads systemctl show output', () => {
    const show = 'LoadState=loaded\nActiveState=failed\nSubState=failed\nUnitFileState=enabled\nNeedDaemonReload=yes\nNRestarts=4\nExecMainCode=1\nExecMainStatus=1\nFragmentPath=/etc/systemd/system/a.service';
    expect(unitFact(raw('ok', show, 'f00'))).toEqual({
      loadState: 'loaded', activeState: 'failed', subState: 'failed', unitFileState: 'enabled', needDaemonReload: true,
      nRestarts: 4, execMainCode: 1, execMainStatus: 1, fragmentPath: '/etc/systemd/system/a.service', fragmentSha256: 'f00',
    });
  });
});

// The real script under the local /bin/sh (dash on Debian), for everything that needs no systemd.
describe('the probe script, run by sh', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'omnitron-probe-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (requests: ProbeRequest[]) => {
    const result = spawnSync(probeCommand()[0], probeCommand().slice(1), { input: encodeRequests(requests), cwd: dir, encoding: 'utf8' });
    expect(result.status).toBe(0);
    return parseProbeOutput(result.stdout, requests.length);
  };

  it('answers every kind, with hostile paths, without running anything from them', () => {
    const file = path.join(dir, HOSTILE);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'x=1\n', { mode: 0o640 });
    mkdirSync(path.join(dir, 'rel', 'releases', 'aaa'), { recursive: true });
    symlinkSync('releases/aaa', path.join(dir, 'rel', 'current'));
    writeFileSync(path.join(dir, 'marker'), 'inputs abc\nunit \n');
    const tricky = path.join(dir, ' tab\there\nnewline\\ =x ');
    writeFileSync(tricky, 'tricky');
    const answers = run([
      { kind: 'file', path: file, content: true }, { kind: 'file', path: file, content: false }, { kind: 'file', path: dir, content: true },
      { kind: 'dir', path: path.dirname(file) }, { kind: 'file', path: path.join(dir, 'none'), content: true }, { kind: 'user', name: 'root' },
      { kind: 'user', name: 'no-such-user-omnitron' }, { kind: 'marker', path: path.join(dir, 'marker') }, { kind: 'release', root: path.join(dir, 'rel') },
      { kind: 'command', command: 'echo "v 1.2.3"; echo oops >&2; exit 4' },
      { kind: 'file', path: tricky, content: true },
    ]);
    const sum = createHash('sha256').update('x=1\n').digest('hex');
    expect(fileFact(answers[0])).toEqual({ state: 'present', mode: '0640', owner: 'root', group: 'root', size: 4, sha256: sum, content: 'x=1\n' });
    expect(fileFact(answers[1])).not.toHaveProperty('content');
    expect(fileFact(answers[2])).toEqual({ state: 'conflict', what: 'directory' });
    expect(dirFact(answers[3])).toMatchObject({ state: 'present', owner: 'root' });
    expect(fileFact(answers[4])).toEqual({ state: 'missing' });
    expect(userFact(answers[5])).toMatchObject({ state: 'present', uid: 0, home: '/root' });
    expect(userFact(answers[6])).toEqual({ state: 'missing' });
    expect(markerFact(answers[7])).toEqual({ state: 'present', content: 'inputs abc\nunit ' });
    expect(releaseFact(answers[8])).toEqual({ state: 'present', current: 'releases/aaa', releases: ['aaa'] });
    expect(commandFact(answers[9])).toEqual({ code: 4, stdout: 'v 1.2.3', stderr: 'oops', user: UNPRIVILEGED });
    expect(fileFact(answers[10])).toMatchObject({ state: 'present', content: 'tricky' });
    expect(spawnSync('ls', [dir], { encoding: 'utf8' }).stdout).not.toContain('pwned');
  });

  it('lists every release (dot entries too), reads markers of any bytes, and refuses a marker that is a directory', () => {
    const root = path.join(dir, 'rel2');
    for (const name of ['bbb', 'aaa', '.staging', '..odd']) mkdirSync(path.join(root, 'releases', name), { recursive: true });
    writeFileSync(path.join(dir, 'marker-utf8'), 'café\tx\n\n');
    mkdirSync(path.join(dir, 'marker-dir'));
    const answers = run([{ kind: 'release', root }, { kind: 'marker', path: path.join(dir, 'marker-utf8') }, { kind: 'marker', path: path.join(dir, 'marker-dir') }]);
    expect(releaseFact(answers[0])).toEqual({ state: 'present', releases: ['..odd', '.staging', 'aaa', 'bbb'] });
    expect(markerFact(answers[1])).toEqual({ state: 'present', content: 'café\tx' });
    expect(answers[2]).toMatchObject({ status: 'error' });
  });

  it('answers alike when a batched read cannot be split per path (a link target with a line break)', () => {
    const roots = ['plain', 'odd'].map((name) => path.join(dir, `batch-${name}`));
    for (const root of roots) mkdirSync(path.join(root, 'releases'), { recursive: true });
    symlinkSync('releases/aaa', path.join(roots[0], 'current'));
    symlinkSync('releases/a\nb', path.join(roots[1], 'current'));
    const answers = run(roots.map((root) => ({ kind: 'release', root })));
    expect(answers.map(releaseFact)).toEqual([
      { state: 'present', current: 'releases/aaa', releases: [] },
      { state: 'present', current: 'releases/a\nb', releases: [] },
    ]);
  });

  it('trusts a recorded sha256 only while size and mtime match, and re-hashes otherwise', () => {
    const file = path.join(dir, 'big.bin');
    writeFileSync(file, 'real content');
    const { size, mtime } = statSync(file);
    writeFileSync(`${file}.omnitron-sha256`, `${'f'.repeat(64)} ${size} ${Math.floor(mtime.getTime() / 1000)}\n`);
    const cached = (): string => { const f = fileFact(run([{ kind: 'file', path: file, content: false, cachedHash: true }])[0]); return f.state === 'present' ? f.sha256 : f.state; };
    expect(cached()).toBe('f'.repeat(64));
    writeFileSync(file, 'edited by hand!');
    expect(cached()).toBe(createHash('sha256').update('edited by hand!').digest('hex'));
  });

  it.runIf(IS_ROOT)('runs a validateCommand as the service user or nobody, never root, with no new privileges and a bare environment', () => {
    const report = 'id -u; id -un; pwd; grep NoNewPrivs /proc/self/status; env | cut -d= -f1 | sort | tr "\\n" " "; touch /root/omnitron-probe-test';
    const answers = run([
      { kind: 'command', command: report }, { kind: 'command', command: report, user: 'daemon' },
      { kind: 'command', command: report, user: 'root' }, { kind: 'command', command: report, user: 'no-such-user-omnitron' },
    ]);
    const [nobody, daemon, root, missing] = answers.map(commandFact);
    expect(nobody).toMatchObject({ user: 'nobody', stdout: '65534\nnobody\n/\nNoNewPrivs:\t1\nHOME LC_ALL LOGNAME PATH PWD USER ' });
    expect(nobody.code).not.toBe(0);
    expect(nobody.stderr).toContain('Permission denied');
    expect(daemon).toMatchObject({ user: 'daemon', stdout: expect.stringMatching(/^1\ndaemon\n/) });
    for (const fact of [root, missing]) expect(fact).toMatchObject({ user: 'nobody', stdout: nobody.stdout });
  });

  it('keeps going after a command that kills itself or reads stdin', () => {
    const answers = run([{ kind: 'command', command: 'cat; kill -9 $$' }, { kind: 'file', path: '/etc/hostname', content: false }]);
    expect(commandFact(answers[0])).toMatchObject({ code: 137, stdout: '' });
    expect(fileFact(answers[1]).state).toBe('present');
  });
});

const HAS_DPKG = spawnSync('dpkg-query', ['--version']).status === 0;
const UNIT_PROPS = 'LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload,NRestarts,ExecMainCode,ExecMainStatus,FragmentPath';
const pkg = (name: string): ProbeRequest => ({ kind: 'package', name });
const unit = (name: string): ProbeRequest => ({ kind: 'unit', name });
const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

// The same script, with the tools it starts logged (test/support/systemd/local-probe.ts; systemctl is a fake there).
describe('the probe script starts one process per kind of read, and answers alike when a batch does not line up', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'omnitron-probe-batch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const probe = localProbe(dir);
  const started = (commands: string[], tool: string) => commands.filter((c) => c.startsWith(`${tool} `));

  it.runIf(HAS_DPKG)('asks dpkg-query once for every package; one missing among them sends each to its own query, with the same answers', () => {
    const batched = probe.run(['bash', 'coreutils', 'dpkg'].map(pkg));
    expect(started(batched.commands, 'dpkg-query')).toEqual([expect.stringMatching(/^dpkg-query -W -f=\$\{Package\}\\t.* -- bash coreutils dpkg$/)]);
    expect(packageFact(batched.answers[0])).toMatchObject({ state: 'present', installed: true, status: 'ii', version: expect.stringMatching(/^\d/) });

    const fallback = probe.run(['bash', 'no-such-package-omnitron', 'coreutils', 'dpkg'].map(pkg));
    expect(started(fallback.commands, 'dpkg-query')).toHaveLength(1 + 4);
    expect(fallback.answers[1]).toEqual({ status: 'missing', fields: [] });
    expect([0, 2, 3].map((i) => fallback.answers[i])).toEqual(batched.answers);
  });

  it.runIf(HAS_DPKG)('takes a batched line only for the package it names (a pattern matches another name)', () => {
    const run = probe.run([pkg('bash'), pkg('coreutil?')]);
    expect(started(run.commands, 'dpkg-query')).toHaveLength(1 + 2);
    expect(run.answers[1]).toEqual(probe.run([pkg('coreutils')]).answers[0]);
  });

  it('asks systemctl show once for every unit and sha256sum once for the unit files there are; a hostile name sends each to its own query, with the same answers', () => {
    const fragment = path.join(dir, 'a.service');
    writeFileSync(fragment, '[Service]\nExecStart=/bin/true\n');
    const gone = path.join(dir, 'deleted.service');
    probe.addUnit('a.service', fragment);
    probe.addUnit('alias.service', fragment);
    probe.addUnit('deleted.service', gone);
    const names = ['a.service', 'deleted.service', 'nosuch.service', 'alias.service'];
    const batched = probe.run(names.map(unit));
    expect(started(batched.commands, 'systemctl')).toEqual([`systemctl show -p ${UNIT_PROPS} -- ${names.join(' ')}`]);
    expect(started(batched.commands, 'sha256sum')).toEqual([`sha256sum -- ${fragment} ${fragment}`]);
    const [a, deleted, nosuch, alias] = batched.answers.map(unitFact);
    expect(a).toMatchObject({ loadState: 'loaded', activeState: 'active', fragmentPath: fragment, fragmentSha256: sha('[Service]\nExecStart=/bin/true\n') });
    expect(alias).toEqual(a);
    expect(deleted).toMatchObject({ loadState: 'loaded', fragmentPath: gone });
    expect(deleted).not.toHaveProperty('fragmentSha256');
    expect(nosuch).toMatchObject({ loadState: 'not-found', fragmentPath: '' });

    const hostile = HOSTILE.replaceAll('/', '-');
    const fallback = probe.run([...names.slice(0, 2), hostile, ...names.slice(2)].map(unit));
    expect(started(fallback.commands, 'systemctl')).toHaveLength(1 + 5);
    expect(fallback.answers.filter((_, i) => i !== 2)).toEqual(batched.answers);
    expect(fallback.answers[2].fields[0].toString()).toMatch(/^Invalid unit name .*\nNRestarts=0\n/);
    expect(unitFact(fallback.answers[2])).toMatchObject({ loadState: 'not-found' });
    expect(spawnSync('ls', [dir], { encoding: 'utf8' }).stdout).not.toContain('pwned');
  });

  it('hashes each unit file alone when sha256sum would escape a path', () => {
    const odd = path.join(dir, 'back\\slash.service');
    writeFileSync(odd, 'odd');
    probe.addUnit('odd.service', odd);
    const run = probe.run([unit('odd.service'), unit('nosuch.service')]);
    expect(started(run.commands, 'sha256sum')).toHaveLength(1 + 1);
    expect(unitFact(run.answers[0])).toMatchObject({ fragmentPath: odd, fragmentSha256: sha('odd') });
  });

  it('asks getent once for every user, and a command’s user comes from there; a missing user sends each to its own query, with the same answers', () => {
    const users = ['root', 'daemon', 'bin'].map((name): ProbeRequest => ({ kind: 'user', name }));
    const check: ProbeRequest = { kind: 'command', command: 'id -un', user: 'daemon' };
    const batched = probe.run([...users, check]);
    expect(started(batched.commands, 'getent')).toEqual(['getent passwd -- root daemon bin']);
    expect(batched.answers.slice(0, 3).map(userFact)).toMatchObject([{ name: 'root', uid: 0 }, { name: 'daemon' }, { name: 'bin' }]);
    if (IS_ROOT) expect(commandFact(batched.answers[3])).toMatchObject({ code: 0, stdout: 'daemon', user: 'daemon' });

    const fallback = probe.run([users[0], { kind: 'user', name: 'no-such-user-omnitron' }, { kind: 'user', name: '0' }, ...users.slice(1)]);
    expect(started(fallback.commands, 'getent')).toHaveLength(1 + 5);
    expect(fallback.answers[1]).toEqual({ status: 'missing', fields: [] });
    expect(fallback.answers[2]).toEqual(batched.answers[0]);
    expect([0, 3, 4].map((i) => fallback.answers[i])).toEqual(batched.answers.slice(0, 3));
  });

  it('learns who it runs as, whether setpriv is there and nobody’s account once per run, and reads stderr without a process', () => {
    const run = probe.run([
      { kind: 'command', command: 'echo a; echo b >&2' }, { kind: 'command', command: String.raw`printf 'x\ty\n'; printf '%s\n\n' 'back\slash' >&2; exit 2`, user: 'no-such-user-omnitron' },
    ]);
    expect(run.answers.map(commandFact)).toEqual([
      { code: 0, stdout: 'a', stderr: 'b', user: UNPRIVILEGED }, { code: 2, stdout: 'x\ty', stderr: 'back\\slash', user: UNPRIVILEGED },
    ]);
    expect(started(run.commands, 'id')).toEqual(IS_ROOT ? [] : ['id -un']);
    expect(started(run.commands, 'mktemp')).toEqual(['mktemp -d']);
    expect(started(run.commands, 'rm')).toHaveLength(1);
    expect(started(run.commands, 'cat')).toEqual([]);
    expect(started(run.commands, 'base64')).toEqual([]);
    if (IS_ROOT) expect(started(run.commands, 'getent')).toEqual(['getent passwd -- nobody', 'getent passwd -- no-such-user-omnitron']);
  });

  it('starts nothing for kinds it is not asked about', () => {
    const run = probe.run([{ kind: 'dir', path: dir }]);
    expect(run.commands).toEqual([`stat -L -c %a %U %G %s %Y -- ${dir}`]);
  });

  it('reads short text files by builtins and hashes every file it does not send in one sha256sum; other files as before', () => {
    const files: Record<string, string | Buffer> = {
      unit: '[Service]\n\tExecStart=/bin/a\\ b\n\n', bare: 'no newline at the end', empty: '', nul: Buffer.from('a\0b\n'), utf8: 'café\n', cr: 'a\r\n',
      long: 'x'.repeat(5_000), secret: 'TOKEN=1\n', secret2: 'TOKEN=2\n', big: 'y'.repeat(70_000),
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, `file-${name}`), content);
    const hashedOnly = new Set(['secret', 'secret2', 'big']);
    const requests = Object.keys(files).map((name): ProbeRequest => ({ kind: 'file', path: path.join(dir, `file-${name}`), content: !hashedOnly.has(name) }));
    const run = probe.run(requests);
    const facts = run.answers.map(fileFact);
    Object.entries(files).forEach(([name, content], i) => {
      const bytes = Buffer.from(content);
      expect(facts[i]).toMatchObject({ state: 'present', size: bytes.length, sha256: sha(bytes) });
      if (!hashedOnly.has(name)) expect(run.answers[i].fields[5]).toEqual(bytes);
    });
    expect(started(run.commands, 'base64')).toHaveLength(['nul', 'utf8', 'cr', 'long'].length);
    expect(started(run.commands, 'sha256sum')).toEqual([`sha256sum -- ${['secret', 'secret2', 'big'].map((n) => path.join(dir, `file-${n}`)).join(' ')}`]);
  });

  it('sends printable text with tabs and line breaks by builtins, other bytes and long text as base64', () => {
    const texts = { escaped: 'a\\b\tc\n\\n~=x', long: 'line\n'.repeat(1_000) + 'end', utf8: 'café\tx' };
    for (const [name, text] of Object.entries(texts)) writeFileSync(path.join(dir, `marker-${name}`), text);
    const run = probe.run(Object.keys(texts).map((name) => ({ kind: 'marker', path: path.join(dir, `marker-${name}`) })));
    expect(run.answers.map(markerFact)).toEqual(Object.values(texts).map((content) => ({ state: 'present', content })));
    expect(started(run.commands, 'base64')).toEqual(['base64 -w0', 'base64 -w0']);
  });
});
