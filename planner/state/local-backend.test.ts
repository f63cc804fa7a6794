import { spawnSync } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockHeldError, type LockInfo } from './backend.js';
import { describeBackendConformance } from '../../test/support/state/backend-conformance.js';
import { LocalBackend } from './local-backend.js';

describeBackendConformance('file', async () => {
  const root = await mkdtemp(join(tmpdir(), 'omnitron-state-'));
  const stackDir = join(root, '.omnitron', 'dev');
  return {
    backend: new LocalBackend({ stackDir, stack: 'dev' }),
    reopen: () => new LocalBackend({ stackDir, stack: 'dev' }),
    elsewhere: async () => new LocalBackend({ stackDir: join(await mkdtemp(join(root, 'elsewhere-')), '.omnitron', 'dev'), stack: 'dev' }),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function foreignLock(overrides: Partial<LockInfo>): LockInfo {
  return { id: 'stale-lock-id', holder: `ci@${hostname()}`, host: hostname(), pid: deadPid(), operation: 'apply', createdAt: '2026-11-22T18:01:00.000Z', ...overrides };
}

describe('LocalBackend files', () => {
  let root: string;
  let stackDir: string;
  let backend: LocalBackend;
  const bytes = (text: string) => new TextEncoder().encode(text);
  let serial = 0;
  const put = (text: string) => { serial++; return backend.put(bytes(text), { lineage: 'l1', serial, previous: serial - 1 }); };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'omnitron-state-'));
    stackDir = join(root, '.omnitron', 'dev');
    backend = new LocalBackend({ stackDir, stack: 'dev' });
    serial = 0;
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('keeps state.json in the stack directory, every version in history/, and leaves no temp files behind', async () => {
    for (let i = 0; i < 20; i++) await put(`version ${i}`);
    expect(backend.describe()).toBe(join(stackDir, 'state.json'));
    expect((await readdir(stackDir)).sort()).toEqual(['history', 'state.json', 'state.json.backup']);
    expect(await readdir(join(stackDir, 'history'))).toHaveLength(20);
    expect(await readFile(join(stackDir, 'history', '0000000020-l1.json'), 'utf8')).toBe('version 19');
  });

  it('appends journal entries one line each; a torn last line is never read and is cut off before the next append', async () => {
    await put('doc');
    await backend.append(bytes('{"a":1}'), { lineage: 'l1', serial: 2, previous: 1 });
    await backend.close();
    await appendFile(join(stackDir, 'state.journal'), '{"half a wri');
    const reader = new LocalBackend({ stackDir, stack: 'dev' });
    expect((await reader.read())?.journal.map((e) => Buffer.from(e).toString())).toEqual(['{"a":1}']);
    await reader.append(bytes('{"b":2}'), { lineage: 'l1', serial: 3, previous: 2 });
    expect(await readFile(join(stackDir, 'state.journal'), 'utf8')).toBe('{"a":1}\n{"b":2}\n');
    await reader.close();
  });

  it('the journal, like the state, is 0600', async () => {
    await put('doc');
    await backend.append(bytes('{}'), { lineage: 'l1', serial: 2, previous: 1 });
    expect((await stat(join(stackDir, 'state.journal'))).mode & 0o777).toBe(0o600);
    await backend.close();
  });

  it('keeps the previous version as state.json.backup', async () => {
    await put('one');
    await put('two');
    expect(await readFile(join(stackDir, 'state.json.backup'), 'utf8')).toBe('one');
    expect(await readFile(join(stackDir, 'state.json'), 'utf8')).toBe('two');
  });

  it('delete moves the state to the backup instead of destroying it', async () => {
    await put('last');
    await backend.delete();
    expect(await readFile(join(stackDir, 'state.json.backup'), 'utf8')).toBe('last');
  });

  it('creates the directories 0700 and the state and lock files 0600', async () => {
    await put('secret-ish');
    await backend.lock({ operation: 'apply' });
    const mode = async (path: string) => (await stat(path)).mode & 0o777;
    expect(await mode(stackDir)).toBe(0o700);
    expect(await mode(join(root, '.omnitron'))).toBe(0o700);
    expect(await mode(join(stackDir, 'state.json'))).toBe(0o600);
    expect(await mode(join(stackDir, 'state.lock'))).toBe(0o600);
  });

  it('takes over a lock left by a dead process on this host and reports it', async () => {
    await put('x');
    const stale = foreignLock({});
    await writeFile(join(stackDir, 'state.lock'), JSON.stringify(stale));
    await writeFile(join(stackDir, 'state.json.999.crashed.tmp'), 'half a write');
    const lock = await backend.lock({ operation: 'apply' });
    expect(lock.takenOver).toEqual(stale);
    expect(lock.pid).toBe(process.pid);
    expect((await backend.readLock())?.id).toBe(lock.id);
    expect(await readdir(stackDir)).not.toContain('state.json.999.crashed.tmp');
  });

  it('does not take over a lock from another host even if the pid is free here', async () => {
    await put('x');
    await writeFile(join(stackDir, 'state.lock'), JSON.stringify(foreignLock({ host: 'other-box', holder: 'ci@other-box' })));
    const failure = await backend.lock({ operation: 'apply' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LockHeldError);
    expect(String((failure as Error).message)).toContain('ci@other-box (pid');
  });

  it('does not take over a lock whose process is alive', async () => {
    await put('x');
    await writeFile(join(stackDir, 'state.lock'), JSON.stringify(foreignLock({ pid: process.ppid })));
    await expect(backend.lock({ operation: 'destroy' })).rejects.toThrow(/locked by ci@.* running "apply" since 2026-11-22T18:01:00.000Z/);
  });

  it('reports an unreadable lock file by name instead of guessing', async () => {
    await put('x');
    await writeFile(join(stackDir, 'state.lock'), 'garbage');
    await expect(backend.lock({ operation: 'apply' })).rejects.toThrow(/state\.lock: lock file is not valid/);
  });

  it('prints the lock error the way the operator reads it', async () => {
    await put('x');
    const held = foreignLock({ id: '3f2c', holder: 'root@box', host: 'box', pid: 4242 });
    await writeFile(join(stackDir, 'state.lock'), JSON.stringify(held));
    const message = String((await backend.lock({ operation: 'apply' }).catch((e: unknown) => e) as Error).message);
    expect(message.replace(/held \d+d\d\dh/, 'held AGE')).toBe(
      'Error: state for stack "dev" is locked by root@box (pid 4242) running "apply" since 2026-11-22T18:01:00.000Z (held AGE; lock id 3f2c)\n'
      + '  To wait for it, add --lock-wait 5m. If that process is gone, run: omnitron force-unlock 3f2c --stack dev',
    );
  });
});
