/**
 * The state subcommands in process, over the file backend of a throwaway project (no Docker): mv, pull,
 * push, history, rekey, and a held lock with and without --lock-wait.
 */
import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeProject, type TempProject } from '../../test/config/make-project.js';
import type { StateRecord } from '../../planner/resource.js';
import { LocalBackend } from '../../planner/state/local-backend.js';
import { loadStateKey } from '../../planner/state/state-key.js';
import { StateStore } from '../../planner/state/state-store.js';
import type { Output } from '../output.js';
import { stateHistoryCommand, stateMvCommand, statePullCommand, statePushCommand } from './state.js';
import { stateRekeyCommand } from './state-rekey.js';
import { stateRmCommand } from './state-rm.js';

function record(address: string, dependsOn: string[] = []): StateRecord {
  return {
    address, type: address.split('.')[0], attributes: { name: address }, outputs: { result: `secret-of-${address}` }, dependsOn,
    sensitive: ['outputs.result'], hash: 'h', updatedAt: '2026-11-22T18:01:00.000Z',
  };
}

function capture(): Output & { printed: string[]; warned: string[] } {
  const printed: string[] = [];
  const warned: string[] = [];
  return { color: false, tty: false, printed, warned, print: (t) => { printed.push(t); }, warn: (t) => { warned.push(t); }, diagnostics: () => {} };
}

describe('state commands', () => {
  let project: TempProject;
  let flags: { config: string; stack: string };
  const identity = { project: 'cmds', stack: 'dev' };
  const backend = () => new LocalBackend({ stackDir: join(project.dir, '.omnitron', 'dev'), stack: 'dev' });
  const store = async () => StateStore.open(backend(), await loadStateKey(), identity);

  beforeEach(async () => {
    project = makeProject({ 'omnitron.config.mjs': "export default { project: 'cmds', apps: [] };\n" });
    flags = { config: project.file('omnitron.config.mjs'), stack: 'dev' };
    vi.stubEnv('OMNITRON_STATE_KEY_FILE', project.file('keys/state.key'));
    vi.stubEnv('OMNITRON_STATE_KEY', undefined);
    vi.stubEnv('OMNITRON_STATE_URL', undefined);
    const s = await store();
    await s.upsert(record('random_password.db'));
    await s.upsert(record('env_file.api', ['random_password.db']));
    await s.compact();
  });
  afterEach(() => { vi.unstubAllEnvs(); project.remove(); });

  it('mv renames a record, points its dependents at the new address, and keeps the secret', async () => {
    const out = capture();
    expect(await stateMvCommand('random_password.db', 'random_password.database', flags, out)).toBe(0);
    expect(out.printed.join('\n')).toContain('Successfully moved 1 object(s).');
    const after = await store();
    expect(after.records().map((r) => r.address)).toEqual(['env_file.api', 'random_password.database']);
    expect(after.get('random_password.database')?.outputs.result).toBe('secret-of-random_password.db');
    expect(after.get('env_file.api')?.dependsOn).toEqual(['random_password.database']);
    expect(await backend().readLock()).toBeNull();
  });

  it('mv refuses another type, a taken address and an unknown one, and changes nothing', async () => {
    const serial = (await store()).persistedSerial;
    await expect(stateMvCommand('random_password.db', 'env_file.db', flags, capture())).rejects.toThrow('random_password.db is a random_password, not a env_file');
    await expect(stateMvCommand('random_password.db', 'env_file.api', flags, capture())).rejects.toThrow('env_file.api is already in state');
    await expect(stateMvCommand('random_password.nope', 'random_password.x', flags, capture())).rejects.toThrow('no resource random_password.nope in state');
    expect((await store()).persistedSerial).toBe(serial);
    expect(await backend().readLock()).toBeNull();
  });

  it('pull writes the sealed document 0600; push refuses it until its serial is higher, and another lineage always', async () => {
    const file = project.file('pulled.json');
    expect(await statePullCommand({ ...flags, out: file }, capture())).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('secret-of-');
    await expect(statePushCommand(file, flags, capture())).rejects.toThrow(/has serial 2, not newer than the serial 2/);
    const doc = JSON.parse(text) as { serial: number; lineage: string; resources: Record<string, StateRecord> };
    doc.serial = 5;
    delete doc.resources['env_file.api'];
    await writeFile(file, JSON.stringify(doc));
    expect(await statePushCommand(file, flags, capture())).toBe(0);
    const after = await store();
    expect(after.persistedSerial).toBe(5);
    expect(after.records().map((r) => r.address)).toEqual(['random_password.db']);
    await writeFile(file, JSON.stringify({ ...doc, serial: 9, lineage: 'someone-else' }));
    await expect(statePushCommand(file, flags, capture())).rejects.toThrow(/has lineage someone-else, but .* holds lineage/);
  });

  it('history lists every whole version with its serial; pull --serial prints one', async () => {
    const out = capture();
    await stateHistoryCommand({ ...flags, json: true }, out);
    const history = JSON.parse(out.printed[0]) as { current: { serial: number }; versions: Array<{ serial: number }> };
    expect(history.current.serial).toBe(2);
    expect(history.versions.map((v) => v.serial)).toEqual([1, 2]);
    const written: Uint8Array[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { written.push(chunk as Uint8Array); return true; });
    try {
      expect(await statePullCommand({ ...flags, serial: 1 }, capture())).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(JSON.parse(Buffer.concat(written).toString()).serial).toBe(1);
    await expect(statePullCommand({ ...flags, serial: 7 }, capture())).rejects.toThrow('no version with serial 7 in the history');
  });

  it('rekey --new-key re-seals with a new key file; the old one stays readable as .previous', async () => {
    const keyFile = project.file('keys/state.key');
    const before = await readFile(keyFile, 'utf8');
    const out = capture();
    expect(await stateRekeyCommand({ ...flags, newKey: true }, out)).toBe(0);
    expect(await readFile(`${keyFile}.previous`, 'utf8')).toBe(before);
    expect(out.printed.join('\n')).toContain('Re-sealed the 2 resources of stack "dev"');
    const key = await loadStateKey();
    const reopened = await StateStore.open(backend(), key, identity);
    expect([...reopened.keyIds()]).toEqual([key.kid]);
    expect(reopened.get('random_password.db')?.outputs.result).toBe('secret-of-random_password.db');
  });

  it('a held lock refuses at once, or after --lock-wait, naming the holder', async () => {
    const held = await backend().lock({ operation: 'apply' });
    await expect(stateRmCommand(['env_file.api'], flags, capture())).rejects.toThrow(/locked by .* running "apply" .*add --lock-wait 5m/s);
    const out = capture();
    await expect(stateRmCommand(['env_file.api'], { ...flags, lockWait: 1_500 }, out)).rejects.toThrow(/waited \d+s for it; lock id/);
    expect(out.warned[0]).toMatch(/^Waiting for the state lock: held by .* running "apply"/);
    await backend().unlock(held.id);
    expect(await stateRmCommand(['env_file.api'], { ...flags, lockWait: 1_500 }, capture())).toBe(0);
  });
});
