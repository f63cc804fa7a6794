import { describe, expect, it } from 'vitest';
import { generatePassword, scramMatches, scramVerifier } from './scram.js';

// Computed independently with Python's hashlib/hmac for RFC 7677's example password and salt.
const PENCIL = 'SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=';

describe('scramVerifier', () => {
  it('matches an independently computed verifier', () => {
    expect(scramVerifier('pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'))).toBe(PENCIL);
  });

  it('uses a fresh salt each time and never contains the password', () => {
    const a = scramVerifier('secret-password');
    const b = scramVerifier('secret-password');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(a).not.toContain('secret-password');
  });
});

describe('scramMatches', () => {
  it('tells the right password from a wrong one', async () => {
    expect(await scramMatches('pencil', PENCIL)).toBe(true);
    expect(await scramMatches('pen', PENCIL)).toBe(false);
    expect(await scramMatches('x', scramVerifier('x'))).toBe(true);
  });

  it('cannot judge md5 or missing verifiers', async () => {
    expect(await scramMatches('pencil', 'md5d0f2ed5a5d5e3f5b1f5e3f5b1f5e3f5b')).toBeUndefined();
    expect(await scramMatches('pencil', null)).toBeUndefined();
  });
});

describe('generatePassword', () => {
  it('is 32 URL-safe characters and different each time', () => {
    const seen = new Set(Array.from({ length: 50 }, generatePassword));
    expect(seen.size).toBe(50);
    for (const p of seen) expect(p).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
