import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../diagnostics.js';
import type { StateRecord } from '../resource.js';
import { loadStateKey, openBytes, openRecord, sealBytes, sealRecord } from './encryption.js';
import { LocalBackend } from './local-backend.js';
import { StateStore } from './state-store.js';

const hexKey = () => randomBytes(32).toString('hex');

function passwordRecord(password: string): StateRecord {
  return {
    address: 'postgres_role.app',
    type: 'postgres_role',
    id: 'app',
    attributes: { name: 'app', password, options: { login: true }, labels: { 'com.example.token': password }, hosts: ['a', password] },
    outputs: { password, url: `postgres://app:${password}@127.0.0.1:5432/app`, port: 5432 },
    dependsOn: ['random_password.app'],
    sensitive: ['attributes.password', 'attributes.labels.com.example.token', 'attributes.hosts.1', 'outputs.password', 'outputs.url', 'outputs.missing'],
    hash: 'abc',
    updatedAt: '2026-11-22T18:01:00.000Z',
  };
}

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'omnitron-key-')); });
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('sealRecord / openRecord', () => {
  it('moves the sensitive values into one JWE and restores them exactly', async () => {
    const key = await loadStateKey({ env: { OMNITRON_STATE_KEY: hexKey() } });
    const record = passwordRecord('pw-Secret-123');
    const sealed = await sealRecord(record, key);
    expect(sealed.sealed?.split('.')).toHaveLength(5);
    expect(sealed.attributes).toEqual({ name: 'app', options: { login: true }, labels: {}, hosts: ['a', null] });
    expect(sealed.outputs).toEqual({ port: 5432 });
    expect(JSON.stringify(sealed)).not.toContain('pw-Secret-123');
    expect(record.outputs.password).toBe('pw-Secret-123');
    expect(await openRecord(sealed, key)).toEqual(record);
  });

  it('leaves a record without sensitive values unsealed', async () => {
    const key = await loadStateKey({ env: { OMNITRON_STATE_KEY: hexKey() } });
    const record = { ...passwordRecord('x'), sensitive: [] };
    const sealed = await sealRecord(record, key);
    expect(sealed.sealed).toBeUndefined();
    expect(await openRecord(sealed, key)).toEqual(record);
  });

  it('seals a whole root when the path names it', async () => {
    const key = await loadStateKey({ env: { OMNITRON_STATE_KEY: hexKey() } });
    const record = { ...passwordRecord('s3'), sensitive: ['outputs'] };
    const sealed = await sealRecord(record, key);
    expect(sealed.outputs).toEqual({});
    expect(await openRecord(sealed, key)).toEqual(record);
  });

  it('refuses a wrong key with a message naming where the key came from', async () => {
    const sealed = await sealRecord(passwordRecord('pw'), await loadStateKey({ env: { OMNITRON_STATE_KEY: hexKey() } }));
    const other = await loadStateKey({ env: { OMNITRON_STATE_KEY: hexKey() } });
    const failure = await openRecord(sealed, other).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UserError);
    expect((failure as Error).message).toContain('cannot decrypt state: the key from OMNITRON_STATE_KEY does not match the one this state was written with');
    expect((failure as Error).message).not.toContain('pw');
  });

  it('reports a tampered ciphertext as damaged, not as a wrong key', async () => {
    const key = await loadStateKey({ env: { OMNITRON_STATE_KEY: hexKey() } });
    const sealed = await sealRecord(passwordRecord('pw'), key);
    const parts = sealed.sealed!.split('.');
    parts[3] = parts[3].startsWith('A') ? `B${parts[3].slice(1)}` : `A${parts[3].slice(1)}`;
    await expect(openRecord({ ...sealed, sealed: parts.join('.') }, key)).rejects.toThrow(/damaged or was tampered with/);
  });
});

describe('sealBytes / openBytes', () => {
  it('round-trips a saved plan and refuses another key', async () => {
    const key = await loadStateKey({ env: { OMNITRON_STATE_KEY: 'correct horse battery staple' } });
    const plan = new TextEncoder().encode('{"password":"plan-secret"}');
    const sealed = await sealBytes(plan, key);
    expect(new TextDecoder().decode(sealed)).not.toContain('plan-secret');
    expect(new TextDecoder().decode(await openBytes(sealed, key))).toBe('{"password":"plan-secret"}');
    const other = await loadStateKey({ env: { OMNITRON_STATE_KEY: 'another passphrase' } });
    await expect(openBytes(sealed, other, 'plan file')).rejects.toThrow('cannot decrypt plan file: the key from OMNITRON_STATE_KEY does not match');
  });
});

describe('loadStateKey', () => {
  it('accepts hex, base64url and passphrases, deterministically', async () => {
    const raw = randomBytes(32);
    const fromHex = await loadStateKey({ env: { OMNITRON_STATE_KEY: raw.toString('hex') } });
    const fromB64 = await loadStateKey({ env: { OMNITRON_STATE_KEY: raw.toString('base64url') } });
    expect(Buffer.from(fromHex.bytes).equals(raw)).toBe(true);
    expect(Buffer.from(fromB64.bytes).equals(raw)).toBe(true);
    const a = await loadStateKey({ env: { OMNITRON_STATE_KEY: 'hunter2 but longer' } });
    const b = await loadStateKey({ env: { OMNITRON_STATE_KEY: 'hunter2 but longer' } });
    expect(a.bytes).toHaveLength(32);
    expect(a.kid).toBe(b.kid);
    expect(a.kid).not.toBe(fromHex.kid);
  });

  it('refuses an empty OMNITRON_STATE_KEY', async () => {
    await expect(loadStateKey({ env: { OMNITRON_STATE_KEY: ' ' } })).rejects.toThrow(/set but empty/);
  });

  it('creates ~/.config/omnitron/state.key 0600 in a 0700 directory on first use, then reuses it', async () => {
    const env = { HOME: dir };
    const first = await loadStateKey({ env });
    const path = join(dir, '.config', 'omnitron', 'state.key');
    expect(first).toMatchObject({ source: path, created: true });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, '.config', 'omnitron'))).mode & 0o777).toBe(0o700);
    const again = await loadStateKey({ env });
    expect(again.created).toBe(false);
    expect(again.kid).toBe(first.kid);
    const pasted = await loadStateKey({ env: { OMNITRON_STATE_KEY: await readFile(path, 'utf8') } });
    expect(pasted.kid).toBe(first.kid);
  });

  it('uses OMNITRON_STATE_KEY_FILE when set', async () => {
    const path = join(dir, 'keys', 'prod.key');
    const key = await loadStateKey({ env: { HOME: dir, OMNITRON_STATE_KEY_FILE: path } });
    expect(key.source).toBe(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('refuses a key file other users can read, naming the fix', async () => {
    const path = join(dir, 'keys', 'shared.key');
    await loadStateKey({ env: { HOME: dir, OMNITRON_STATE_KEY_FILE: path } });
    await chmod(path, 0o644);
    await expect(loadStateKey({ env: { HOME: dir, OMNITRON_STATE_KEY_FILE: path } }))
      .rejects.toThrow(/state key file is readable by other users \(mode 0644\)/);
    await chmod(path, 0o600);
    await expect(loadStateKey({ env: { HOME: dir, OMNITRON_STATE_KEY_FILE: path } })).resolves.toMatchObject({ created: false });
  });

  it('refuses a key file inside the state directory, also through a symlink', async () => {
    const stateDir = join(dir, 'project', '.omnitron');
    await expect(loadStateKey({ env: { OMNITRON_STATE_KEY_FILE: join(stateDir, 'dev', 'state.key') }, stateDir }))
      .rejects.toThrow(/state key file is inside the state directory/);
    await mkdir(stateDir, { recursive: true });
    await symlink(stateDir, join(dir, 'innocent'));
    await expect(loadStateKey({ env: { OMNITRON_STATE_KEY_FILE: join(dir, 'innocent', 'k') }, stateDir }))
      .rejects.toThrow(/inside the state directory/);
    await expect(loadStateKey({ env: { OMNITRON_STATE_KEY_FILE: join(dir, 'outside.key') }, stateDir })).resolves.toMatchObject({ created: true });
  });
});

describe('state at rest', () => {
  it('the state file never contains a generated password, and a fresh key file cannot open it', async () => {
    const password = randomBytes(18).toString('base64url');
    const stateDir = join(dir, 'project', '.omnitron');
    const backend = new LocalBackend({ stackDir: join(stateDir, 'dev'), stack: 'dev' });
    const key = await loadStateKey({ env: { HOME: join(dir, 'home-a') }, stateDir });
    const store = await StateStore.open(backend, key, { project: 'p', stack: 'dev' });
    await store.upsert(passwordRecord(password));
    const onDisk = await readFile(join(stateDir, 'dev', 'state.json'), 'utf8');
    const backup = await readFile(join(stateDir, 'dev', 'state.json.backup'), 'utf8').catch(() => '');
    expect(onDisk).toContain('postgres_role.app');
    expect(onDisk + backup).not.toContain(password);
    expect((await StateStore.open(backend, key, { project: 'p', stack: 'dev' })).get('postgres_role.app')).toEqual(passwordRecord(password));

    const fresh = await loadStateKey({ env: { HOME: join(dir, 'home-b') }, stateDir });
    await expect(StateStore.open(backend, fresh, { project: 'p', stack: 'dev' })).rejects.toThrow(/did not exist and was just created/);
  });
});
