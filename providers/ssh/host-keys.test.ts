/** Fixtures are real OpenSSH output: keys from ssh-keygen, fingerprints from `ssh-keygen -lf`, hashed names from `ssh-keygen -H`. */
import { describe, expect, it } from 'vitest';
import {
  decideHostKey, fingerprint, hostKeyAlgorithms, hostsFieldMatches, keyType, knownHostsLine, knownHostsName, normalizeFingerprint,
  parseKnownHosts, type HostKeyTrust,
} from './host-keys.js';

const NODE_KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIAeUm4A8OgZbdj/QWdQBAmsANLwd6RotY5qpsJU75r/U';
const NODE_FP = 'SHA256:rT7iBS4MXzK/QjXU+pO7EOEa6mXX9fS4O1qpsl2I0TA';
const OTHER_KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIO4i3capE84CInCDX+ZTEYj4axamxCN73bhrTaPVhAfc';
const OTHER_FP = 'SHA256:jl6SZSbbpO0FOUgJMpcUMGPATnaO8/g5+k/nwPQbXUQ';
const RSA_KEY = 'AAAAB3NzaC1yc2EAAAADAQABAAAAgQDLqEnrO+7uagYoEClQfOmSBwYtwWZd8Sy3tO9Oq4AJMP/di9LQB4Bu8rDGyVcsyjG1dnJvMLE1P9OZo2ByRf2c0NfaSeeVb2jymro9+6rhOh/jD0ASxObJI6j4WD6847XlceSqaAXvtKfGA+SAecjpRroQNhCYwidt92ekaSl2aw==';
const RSA_FP = 'SHA256:QK3qUI3CMngHLIbn5Yvn9d91u3pInXHSOTlK9iJCh0g';
/** `ssh-keyscan -p 32784 127.0.0.1 | ssh-keygen -H`: the name hashed is `[127.0.0.1]:32784`. */
const HASHED_PORT = `|1|k2NTz3MAgkvP2V7nkOzsw9UUfsc=|XFsXYFzvF81TNbcuGf/72sk6+NE= ssh-ed25519 ${NODE_KEY}`;
/** The name hashed is `web.example.com`. */
const HASHED_PLAIN = `|1|e+0Tn+lgdBJZjP9fnUQAX2EUlAs=|OR/fvV81wQlYqrdVoshJV+dJvas= ssh-ed25519 ${OTHER_KEY}`;

const blob = (base64: string) => Buffer.from(base64, 'base64');
const known = (text: string): HostKeyTrust => ({ kind: 'known-hosts', path: '/home/me/.ssh/known_hosts', entries: parseKnownHosts(text) });

describe('fingerprints and key types', () => {
  it('match ssh-keygen -lf', () => {
    expect(fingerprint(blob(NODE_KEY))).toBe(NODE_FP);
    expect(fingerprint(blob(RSA_KEY))).toBe(RSA_FP);
    expect(keyType(blob(NODE_KEY))).toBe('ssh-ed25519');
    expect(keyType(blob(RSA_KEY))).toBe('ssh-rsa');
    expect(keyType(Buffer.from('xy'))).toBe('unknown');
  });

  it('normalises pinned fingerprints', () => {
    expect(normalizeFingerprint(` ${NODE_FP} `)).toBe(NODE_FP);
    expect(normalizeFingerprint(`${NODE_FP}=`)).toBe(NODE_FP);
    expect(normalizeFingerprint('MD5:aa:bb')).toBeUndefined();
    expect(normalizeFingerprint(NODE_FP.slice(0, -1))).toBeUndefined();
  });

  it('names hosts as known_hosts does and writes the line to add', () => {
    expect(knownHostsName('web1', 22)).toBe('web1');
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
    expect(knownHostsLine('[127.0.0.1]:2222', blob(NODE_KEY))).toBe(`[127.0.0.1]:2222 ssh-ed25519 ${NODE_KEY}`);
  });
});

describe('parseKnownHosts', () => {
  it('reads markers, line numbers and skips comments and malformed lines', () => {
    const entries = parseKnownHosts(`# comment\n\nweb1,10.0.0.5 ssh-ed25519 ${NODE_KEY} me@laptop\nbroken-line\n@revoked * ssh-rsa ${RSA_KEY}\n@cert-authority *.corp ssh-ed25519 ${OTHER_KEY}\nbad ssh-ed25519 not*base64\n`);
    expect(entries.map((e) => [e.lineNumber, e.marker, e.hosts, e.type])).toEqual([
      [3, undefined, 'web1,10.0.0.5', 'ssh-ed25519'],
      [5, 'revoked', '*', 'ssh-rsa'],
      [6, 'cert-authority', '*.corp', 'ssh-ed25519'],
    ]);
    expect(entries[0].key.equals(blob(NODE_KEY))).toBe(true);
  });
});

describe('hostsFieldMatches', () => {
  it('matches plain names, lists, ports, wildcards and negations', () => {
    expect(hostsFieldMatches('web1,10.0.0.5', '10.0.0.5')).toBe(true);
    expect(hostsFieldMatches('WEB1', 'web1')).toBe(true);
    expect(hostsFieldMatches('[127.0.0.1]:2222', '[127.0.0.1]:2222')).toBe(true);
    expect(hostsFieldMatches('[127.0.0.1]:2222', '127.0.0.1')).toBe(false);
    expect(hostsFieldMatches('127.0.0.1', '[127.0.0.1]:2222')).toBe(false);
    expect(hostsFieldMatches('*.example.com', 'web.example.com')).toBe(true);
    expect(hostsFieldMatches('web?.example.com', 'web7.example.com')).toBe(true);
    expect(hostsFieldMatches('*.example.com,!db.example.com', 'db.example.com')).toBe(false);
    expect(hostsFieldMatches('a.b', 'axb')).toBe(false);
  });

  it('matches hashed names written by ssh-keygen -H, ports included', () => {
    expect(hostsFieldMatches(HASHED_PORT.split(' ')[0], '[127.0.0.1]:32784')).toBe(true);
    expect(hostsFieldMatches(HASHED_PORT.split(' ')[0], '[127.0.0.1]:32785')).toBe(false);
    expect(hostsFieldMatches(HASHED_PLAIN.split(' ')[0], 'web.example.com')).toBe(true);
    expect(hostsFieldMatches(HASHED_PLAIN.split(' ')[0], 'web.example.org')).toBe(false);
    expect(hostsFieldMatches('|1|broken', 'web.example.com')).toBe(false);
  });
});

describe('decideHostKey', () => {
  const node = '[127.0.0.1]:32784';

  it('trusts a pinned fingerprint and calls any other key changed', () => {
    expect(decideHostKey(blob(NODE_KEY), node, { kind: 'pinned', fingerprint: NODE_FP })).toEqual({ status: 'trusted', type: 'ssh-ed25519', fingerprint: NODE_FP, source: 'pinned hostKey' });
    expect(decideHostKey(blob(OTHER_KEY), node, { kind: 'pinned', fingerprint: NODE_FP }))
      .toEqual({ status: 'changed', type: 'ssh-ed25519', fingerprint: OTHER_FP, expected: [NODE_FP], source: 'pinned hostKey', revoked: false });
  });

  it('trusts a hashed or plain known_hosts entry and names the line', () => {
    expect(decideHostKey(blob(NODE_KEY), node, known(`other ssh-ed25519 ${OTHER_KEY}\n${HASHED_PORT}\n`)))
      .toMatchObject({ status: 'trusted', source: '/home/me/.ssh/known_hosts:2' });
    expect(decideHostKey(blob(NODE_KEY), node, known(`${node} ssh-ed25519 ${NODE_KEY}`))).toMatchObject({ status: 'trusted' });
  });

  it('calls a different key of the same type for the same host changed, with the expected fingerprints', () => {
    expect(decideHostKey(blob(OTHER_KEY), node, known(HASHED_PORT)))
      .toEqual({ status: 'changed', type: 'ssh-ed25519', fingerprint: OTHER_FP, expected: [NODE_FP], source: '/home/me/.ssh/known_hosts:1', revoked: false });
  });

  it('calls a host with no entry unknown and gives the line to add', () => {
    expect(decideHostKey(blob(NODE_KEY), node, known(`[127.0.0.1]:9999 ssh-ed25519 ${OTHER_KEY}\n`)))
      .toEqual({ status: 'unknown', type: 'ssh-ed25519', fingerprint: NODE_FP, knownHostsLine: `${node} ssh-ed25519 ${NODE_KEY}` });
    expect(decideHostKey(blob(NODE_KEY), node, known(''))).toMatchObject({ status: 'unknown' });
  });

  it('calls a key of a type the host is not known under a changed key, naming the keys it is known by', () => {
    expect(decideHostKey(blob(NODE_KEY), node, known(`${node} ssh-rsa ${RSA_KEY}`)))
      .toMatchObject({ status: 'changed', type: 'ssh-ed25519', expected: [expect.stringMatching(/^ssh-rsa SHA256:/)], revoked: false });
  });

  it('a @revoked line in known_hosts wins over a pinned fingerprint', () => {
    const pinned: HostKeyTrust = { kind: 'pinned', fingerprint: NODE_FP, knownHosts: { path: '/home/me/.ssh/known_hosts', entries: parseKnownHosts(`@revoked * ssh-ed25519 ${NODE_KEY}`) } };
    expect(decideHostKey(blob(NODE_KEY), node, pinned)).toMatchObject({ status: 'changed', revoked: true, source: '/home/me/.ssh/known_hosts:1' });
  });

  it('refuses a revoked key even when another line trusts it', () => {
    expect(decideHostKey(blob(NODE_KEY), node, known(`${node} ssh-ed25519 ${NODE_KEY}\n@revoked * ssh-ed25519 ${NODE_KEY}`)))
      .toMatchObject({ status: 'changed', revoked: true, source: '/home/me/.ssh/known_hosts:2' });
  });

  it('ignores @cert-authority lines (certificates are not used)', () => {
    expect(decideHostKey(blob(NODE_KEY), node, known(`@cert-authority * ssh-ed25519 ${NODE_KEY}`))).toMatchObject({ status: 'unknown' });
  });
});

describe('hostKeyAlgorithms', () => {
  it('offers the key types known for the host first', () => {
    expect(hostKeyAlgorithms(known(`h ssh-rsa ${RSA_KEY}`), 'h').slice(0, 4)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
    expect(hostKeyAlgorithms(known(`other ssh-rsa ${RSA_KEY}`), 'h')[0]).toBe('ssh-ed25519');
    expect(hostKeyAlgorithms({ kind: 'pinned', fingerprint: NODE_FP }, 'h')[0]).toBe('ssh-ed25519');
  });
});
