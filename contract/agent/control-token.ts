/**
 * Control tokens: short-lived JWTs the CLI signs (EdDSA, Ed25519) with a private key that apply
 * provisions; the agent holds only the public key from its manifest. A token names its node as
 * subject, so a token minted for one node is refused by every other; it names the one action it
 * allows, and its id (`jti`) is accepted once, so a token seen in transit cannot be replayed or
 * turned into a restart.
 */
import { randomUUID } from 'node:crypto';
import { errors, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';

export const AGENT_AUDIENCE = 'omnitron-agent';
export const MAX_TOKEN_AGE_SECONDS = 300;
const CLOCK_TOLERANCE_SECONDS = 30;

export type { JWK };

/** What a token allows: one kind of control request. */
export type ControlAction = 'status' | 'logs' | 'restart' | 'reload';
export type PublicKeyInput = Parameters<typeof importJWK>[0];

export async function generateAgentKeyPair(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}

export async function signControlToken(privateJwk: JWK, opts: { node: string; action: ControlAction; ttlSeconds?: number }): Promise<string> {
  const ttl = opts.ttlSeconds ?? 60;
  if (!(ttl > 0 && ttl <= MAX_TOKEN_AGE_SECONDS)) throw new RangeError(`ttlSeconds must be in (0, ${MAX_TOKEN_AGE_SECONDS}]: agents refuse older tokens`);
  const key = await importJWK(privateJwk, 'EdDSA');
  return new SignJWT({ act: opts.action })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .setJti(randomUUID())
    .setAudience(AGENT_AUDIENCE)
    .setSubject(opts.node)
    .setIssuedAt()
    .setExpirationTime(`${ttl}s`)
    .sign(key);
}

export class AuthError extends Error {}

/** `action`: what the request asks for; undefined for a request that matches no route (still authenticated first). */
export type ControlVerifier = (authorization: string | undefined, action: ControlAction | undefined) => Promise<void>;

/** Checks an Authorization header; throws AuthError with a short reason that never quotes the token. */
export async function createControlVerifier(publicJwk: JWK, node: string): Promise<ControlVerifier> {
  const key = await importJWK(publicJwk, 'EdDSA');
  const used = new Map<string, number>(); // jti → when it expires (epoch s): kept only while it could still verify
  return async (authorization, action) => {
    const token = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization?.trim() ?? '')?.[1];
    if (!token) throw new AuthError(authorization ? 'malformed Authorization header' : 'missing bearer token');
    let claims: { jti?: string; exp?: number; act?: unknown };
    try {
      ({ payload: claims } = await jwtVerify(token, key, {
        algorithms: ['EdDSA'], audience: AGENT_AUDIENCE, subject: node, requiredClaims: ['exp', 'iat', 'jti', 'act'],
        maxTokenAge: MAX_TOKEN_AGE_SECONDS, clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (err) {
      throw new AuthError(reason(err));
    }
    const now = Date.now() / 1000;
    for (const [id, exp] of used) if (exp + CLOCK_TOLERANCE_SECONDS < now) used.delete(id);
    if (used.has(claims.jti!)) throw new AuthError('token already used');
    used.set(claims.jti!, claims.exp!);
    if (action !== undefined && claims.act !== action) throw new AuthError(`token does not allow "${action}"`);
  };
}

function reason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return err.claim === 'iat' ? 'token too old' : 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `token rejected: "${err.claim}" claim ${err.reason === 'missing' ? 'missing' : 'invalid'}`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature invalid';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  return 'malformed token';
}
