/**
 * SCRAM-SHA-256 verifiers, computed client-side the way psql's \password does (PQencryptPasswordConn),
 * so a role's plaintext password never travels in SQL text and never lands in a server log.
 * Passwords omnitron generates are ASCII, for which SASLprep is the identity.
 */
import { createHash, createHmac, pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const ITERATIONS = 4096;

interface Keys { storedKey: Buffer; serverKey: Buffer }

const pbkdf2Async = promisify(pbkdf2);

function deriveKeys(password: string, salt: Buffer, iterations: number): Keys {
  return keysOf(pbkdf2Sync(password, salt, iterations, 32, 'sha256'));
}

function keysOf(salted: Buffer): Keys {
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  return {
    storedKey: createHash('sha256').update(clientKey).digest(),
    serverKey: createHmac('sha256', salted).update('Server Key').digest(),
  };
}

/** `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, all base64. */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = ITERATIONS): string {
  const { storedKey, serverKey } = deriveKeys(password, salt, iterations);
  const b64 = (b: Buffer): string => b.toString('base64');
  return `SCRAM-SHA-256$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}

const VERIFIER = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;

/**
 * Whether `password` matches a stored verifier; undefined when the verifier is not SCRAM (md5, none).
 * The key stretching (~0.6 ms a role) runs on libuv's thread pool, beside the rest of a plan's reads.
 */
export async function scramMatches(password: string, verifier: string | null): Promise<boolean | undefined> {
  const m = verifier ? VERIFIER.exec(verifier) : null;
  if (!m) return undefined;
  const { storedKey, serverKey } = keysOf(await pbkdf2Async(password, Buffer.from(m[2], 'base64'), Number(m[1]), 32, 'sha256'));
  const same = (a: Buffer, b64: string): boolean => {
    const b = Buffer.from(b64, 'base64');
    return a.length === b.length && timingSafeEqual(a, b);
  };
  return same(storedKey, m[3]) && same(serverKey, m[4]);
}

/** 32 URL-safe characters from 24 random bytes. */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}
