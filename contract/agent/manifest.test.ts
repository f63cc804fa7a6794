import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifest, readManifest } from './manifest.js';
import { testApp, testManifest } from '../../test/support/agent/manifests.js';

const KEY = { kty: 'OKP', crv: 'Ed25519', x: 'lxE_46tFeIYWnRT7O09qzcsPwwIaE0znDQTYrMWcIP0' };
const valid = () => testManifest('/srv/agent', KEY, [testApp({ name: 'api', envFile: '/etc/omnitron/env/api.env' }), testApp({ name: 'web', envFile: '/etc/omnitron/env/web.env', dependsOn: ['api'] })]);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'omnitron-manifest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function errorOf(raw: unknown): string {
  try {
    parseManifest(raw, '/etc/omnitron/agent.json');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the manifest to be rejected');
}

describe('parseManifest', () => {
  it('accepts what apply writes', () => {
    const m = parseManifest(JSON.parse(JSON.stringify(valid())), 'agent.json');
    expect(m.apps.map((a) => a.name)).toEqual(['api', 'web']);
    expect(m.publicKey.crv).toBe('Ed25519');
  });

  it('names the file and the field of a missing value', () => {
    const raw = valid() as Record<string, unknown>;
    delete raw.controlSocket;
    expect(errorOf(raw)).toMatch(/^\/etc\/omnitron\/agent\.json: invalid agent manifest\n {2}controlSocket: missing required field \(expected string\)/);
  });

  it('names nested fields: a bad enum, a relative path, an unknown key', () => {
    const raw = valid();
    (raw.apps[0].restart.backoff as { type: string }).type = 'random';
    raw.apps[1].envFile = 'env/web.env';
    (raw.apps[1] as Record<string, unknown>).dependOn = [];
    const message = errorOf(raw);
    expect(message).toContain('apps[0].restart.backoff.type: Invalid option');
    expect(message).toContain('apps[1].envFile: expected an absolute path');
    expect(message).toContain('apps[1]: unknown key "dependOn"');
  });

  it('requires exactly one of bootstrap and script', () => {
    const raw = valid();
    raw.apps[0].bootstrap = '/opt/app/bootstrap.js';
    expect(errorOf(raw)).toContain('apps[0]: set exactly one of "bootstrap" or "script"');
    delete raw.apps[0].bootstrap;
    delete raw.apps[0].script;
    expect(errorOf(raw)).toContain('apps[0]: set exactly one of "bootstrap" or "script"');
  });

  it('rejects duplicate apps and dependencies on unknown apps', () => {
    const raw = valid();
    raw.apps[1].dependsOn = ['apii'];
    raw.apps.push({ ...raw.apps[0] });
    const message = errorOf(raw);
    expect(message).toContain('apps[2].name: duplicate app "api"');
    expect(message).toContain('apps[1].dependsOn[0]: unknown app "apii"');
  });

  it('refuses a private key in place of the public key', () => {
    const raw = valid();
    raw.publicKey = { ...KEY, d: 'secret-half' } as typeof raw.publicKey;
    const message = errorOf(raw);
    expect(message).toContain('publicKey: holds a private key');
    expect(message).not.toContain('secret-half');
  });

  it('says when the manifest is newer than the agent', () => {
    expect(errorOf({ ...valid(), formatVersion: 3 })).toBe('/etc/omnitron/agent.json: manifest format 3 is newer than this agent understands (2); update the agent');
    expect(parseManifest({ ...JSON.parse(JSON.stringify(valid())), formatVersion: 1 }, 'agent.json').formatVersion).toBe(1);
  });
});

describe('readManifest', () => {
  it('reads and validates a file', async () => {
    const file = path.join(tmp, 'ok.json');
    writeFileSync(file, JSON.stringify(valid()));
    expect((await readManifest(file)).node).toBe('node-1');
  });

  it('names the file when it is missing or not JSON', async () => {
    await expect(readManifest(path.join(tmp, 'absent.json'))).rejects.toThrow(`cannot read agent manifest ${path.join(tmp, 'absent.json')}: ENOENT`);
    const file = path.join(tmp, 'bad.json');
    writeFileSync(file, '{ "formatVersion": 1,');
    await expect(readManifest(file)).rejects.toThrow(`${file}: not valid JSON`);
  });
});
