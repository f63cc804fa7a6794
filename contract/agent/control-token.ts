/**
 * Control tokens: short-lived JWTs the CLI signs (EdDSA, Ed25519) with a private key that apply
 * provisions; the agent holds only the public key from its manifest. A token names its node as
 * subject, so a token minted for one node is refused by every other.
 */
import { errors, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';

export const AGENT_AUDIENCE = 'omnitron-agent';
export const MAX_TOKEN_AGE_SECONDS = 300;
const CLOCK_TOLERANCE_SECONDS = 30;

export type { JWK };
export type PublicKeyInput = Parameters<typeof importJWK>[0];

export async function generateAgentKeyPair(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}

export async function signControlToken(privateJwk: JWK, opts: { node: string; ttlSeconds?: number }): Promise<string> {
  const ttl = opts.ttlSeconds ?? 60;
  if (!(ttl > 0 && ttl <= MAX_TOKEN_AGE_SECONDS)) throw new RangeError(`ttlSeconds must be in (0, ${MAX_TOKEN_AGE_SECONDS}]: agents refuse older tokens`);
  const key = await importJWK(privateJwk, 'EdDSA');
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .setAudience(AGENT_AUDIENCE)
    .setSubject(opts.node)
    .setIssuedAt()
    .setExpirationTime(`${ttl}s`)
    .sign(key);
}

export class AuthError extends Error {}

export type ControlVerifier = (authorization: string | undefined) => Promise<void>;

/** Checks an Authorization header; throws AuthError with a short reason that never quotes the token. */
export async function createControlVerifier(publicJwk: JWK, node: string): Promise<ControlVerifier> {
  const key = await importJWK(publicJwk, 'EdDSA');
  return async (authorization) => {
    const token = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization?.trim() ?? '')?.[1];
    if (!token) throw new AuthError(authorization ? 'malformed Authorization header' : 'missing bearer token');
    try {
      await jwtVerify(token, key, {
        algorithms: ['EdDSA'], audience: AGENT_AUDIENCE, subject: node, requiredClaims: ['exp', 'iat'],
        maxTokenAge: MAX_TOKEN_AGE_SECONDS, clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
    } catch (err) {
      throw new AuthError(reason(err));
    }
  };
}

function reason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return err.claim === 'iat' ? 'token too old' : 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `token rejected: "${err.claim}" claim ${err.reason === 'missing' ? 'missing' : 'invalid'}`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature invalid';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  return 'malformed token';
}
