import { describe, expect, it } from 'vitest';
import { app, ecosystem } from '../../test/config/make-ecosystem.js';
import { configDigest } from './config-digest.js';

describe('configDigest', () => {
  it('is a sha256 hex string, stable across key order', () => {
    const a = ecosystem({ apps: [app('auth', 0)] });
    const b = JSON.parse(JSON.stringify(a, Object.keys(a).reverse()));
    expect(configDigest(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(configDigest({ ...b, ...a })).toBe(configDigest(a));
  });

  it('changes with anything the config decides', () => {
    const base = ecosystem({ apps: [app('auth', 0)] });
    const digest = configDigest(base);
    expect(configDigest({ ...base, apps: [app('auth', 0, { startupTimeout: 1 })] })).not.toBe(digest);
    expect(configDigest({ ...base, project: 'other' })).not.toBe(digest);
  });

  it('treats an undefined optional field like an absent one', () => {
    const base = ecosystem({ apps: [app('auth', 0)] });
    expect(configDigest({ ...base, apps: [{ ...base.apps[0], watch: undefined }] })).toBe(configDigest(base));
  });
});
