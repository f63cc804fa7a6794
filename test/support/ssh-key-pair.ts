/**
 * An Ed25519 key pair for test SSH logins. ssh2's generateKeyPairSync now and then (about 1 in 400
 * here) writes an OpenSSH private key its own parser refuses ("Malformed OpenSSH private key"):
 * generate until the key parses, so a test bed never starts with a login that cannot work.
 */
import { utils } from 'ssh2';

export function sshKeyPair(opts: { comment?: string; passphrase?: string; cipher?: string; rounds?: number } = {}): { private: string; public: string } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519', opts as Parameters<typeof utils.generateKeyPairSync>[1]);
    if (!(utils.parseKey(pair.private, opts.passphrase) instanceof Error)) return pair;
  }
  throw new Error('ssh2 produced no parseable ed25519 key in 20 attempts');
}
