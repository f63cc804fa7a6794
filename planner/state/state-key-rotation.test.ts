import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateRecord } from '../resource.js';
import { openRecord, sealRecord, sealedKeyId } from './encryption.js';
import { loadStateKey, rotateKeyFile } from './state-key.js';

const record: StateRecord = {
  address: 'random_password.db', type: 'random_password', attributes: {}, outputs: { result: 'the-secret' }, dependsOn: [],
  sensitive: ['outputs.result'], hash: 'h', updatedAt: '2026-11-22T18:01:00.000Z',
};

describe('state key rotation', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'omnitron-rekey-')); });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('--new-key keeps the old key file as .previous (0600); both read, only the new one seals', async () => {
    const env = { OMNITRON_STATE_KEY_FILE: join(dir, 'state.key') };
    const old = await loadStateKey({ env });
    const sealedOld = await sealRecord(record, old);
    const rotated = await rotateKeyFile(old);
    expect(rotated.kid).not.toBe(old.kid);
    expect(rotated.previous?.map((k) => [k.kid, k.source])).toEqual([[old.kid, join(dir, 'state.key.previous')]]);
    expect((await stat(join(dir, 'state.key.previous'))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(dir, 'state.key.previous'), 'utf8')).trim()).not.toBe((await readFile(join(dir, 'state.key'), 'utf8')).trim());

    const reloaded = await loadStateKey({ env });
    expect(reloaded.kid).toBe(rotated.kid);
    expect((await openRecord(sealedOld, reloaded)).outputs.result).toBe('the-secret');
    expect(sealedKeyId(await sealRecord(record, reloaded))).toBe(rotated.kid);
    await expect(rotateKeyFile(reloaded)).rejects.toThrow(/an earlier key rotation is not finished: .*state\.key\.previous still exists/);
  });

  it('OMNITRON_STATE_KEY_PREVIOUS is read as the fallback; --new-key refuses to touch an environment key', async () => {
    const [oldText, newText] = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
    const old = await loadStateKey({ env: { OMNITRON_STATE_KEY: oldText } });
    const sealedOld = await sealRecord(record, old);
    const withoutFallback = await loadStateKey({ env: { OMNITRON_STATE_KEY: newText } });
    await expect(openRecord(sealedOld, withoutFallback)).rejects.toThrow(/does not match/);
    const withFallback = await loadStateKey({ env: { OMNITRON_STATE_KEY: newText, OMNITRON_STATE_KEY_PREVIOUS: oldText } });
    expect((await openRecord(sealedOld, withFallback)).outputs.result).toBe('the-secret');
    await expect(rotateKeyFile(withFallback)).rejects.toThrow(/the key comes from OMNITRON_STATE_KEY/);
  });
});
