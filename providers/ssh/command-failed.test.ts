import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTransport } from './local-transport.js';
import { RecordingTransport } from './recording-transport.js';
import { commandFailed, octalMode } from './command-failed.js';
import type { Transport } from '../../planner/transport.js';

describe('commandFailed', () => {
  it('names the command, status and stderr, and hints at passwordless sudo', () => {
    const error = commandFailed('node.web', ['sudo', '-n', '--', 'true'], { code: 1, stdout: '', stderr: 'sudo: a password is required\n' });
    expect(error).toMatchObject({ address: 'node.web', message: 'command sudo -n -- true exited with 1: sudo: a password is required' });
    expect(error.hint).toMatch(/passwordless sudo/);
    expect(commandFailed('local', ['x'], { code: -1, signal: 'SIGKILL', stdout: '', stderr: '' }, 'the migration').message).toBe('command the migration was killed by SIGKILL');
  });

  it('writes modes as install takes them', () => {
    expect(octalMode(0o644)).toBe('0644');
    expect(octalMode(0o4755)).toBe('4755');
    expect(() => octalMode(0o10000)).toThrow(/invalid file mode/);
  });
});

describe('LocalTransport', () => {
  let dir: string;
  let local: Transport;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'omnitron-local-transport-'));
    local = new LocalTransport('local', dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('runs argv without a shell, with env and stdin', async () => {
    expect((await local.exec(['printf', '%s|', '$(id)', 'a b', ''])).stdout).toBe('$(id)|a b||');
    expect((await local.exec(['sh', '-c', 'printf %s "$X"'], { env: { X: "it's" } })).stdout).toBe("it's");
    expect((await local.exec(['cat'], { stdin: 'in' })).stdout).toBe('in');
    expect(await local.exec(['no-such-program-xyz'])).toMatchObject({ code: 127 });
    await expect(local.execOrThrow(['sh', '-c', 'echo nope >&2; exit 4'])).rejects.toMatchObject({ address: 'local', message: "command sh -c 'echo nope >&2; exit 4' exited with 4: nope" });
  });

  it('puts files atomically with mode, creating directories, and gets them back', async () => {
    await local.put("sub dir/it's.conf", 'v1', { mode: 0o600 });
    await local.put("sub dir/it's.conf", Buffer.from('v2'), { mode: 0o640 });
    const file = path.join(dir, "sub dir/it's.conf");
    expect(await readFile(file, 'utf8')).toBe('v2');
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    expect((await local.get("sub dir/it's.conf")).toString()).toBe('v2');
    await local.put('copy', { localPath: file });
    expect(await readFile(path.join(dir, 'copy'), 'utf8')).toBe('v2');
  });
});

describe('RecordingTransport', () => {
  it('records calls, answers scripted commands and serves put files', async () => {
    const fake = new RecordingTransport('node.web').respond(['systemctl', 'is-active'], { code: 3, stdout: 'inactive\n' });
    expect(await fake.exec(['systemctl', 'is-active', 'app.service'])).toEqual({ code: 3, stdout: 'inactive\n', stderr: '' });
    expect(await fake.exec(['true'], { env: { A: '1' }, privileged: false })).toEqual({ code: 0, stdout: '', stderr: '' });
    await fake.put('/etc/app.conf', 'x=1', { mode: 0o600 });
    expect((await fake.get('/etc/app.conf')).toString()).toBe('x=1');
    await expect(fake.get('/missing')).rejects.toMatchObject({ address: 'node.web' });
    await expect(fake.execOrThrow(['systemctl', 'is-active', 'x'])).rejects.toThrow('exited with 3');
    expect(fake.commands()).toEqual(['systemctl is-active app.service', 'true', 'systemctl is-active x']);
    expect(fake.calls[1]).toEqual({ kind: 'exec', argv: ['true'], stdin: undefined, env: { A: '1' }, privileged: false });
    expect(fake.calls[2]).toEqual({ kind: 'put', path: '/etc/app.conf', content: 'x=1', mode: 0o600 });
  });
});
