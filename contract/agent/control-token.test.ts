import { randomUUID } from 'node:crypto';
import { SignJWT, importJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AGENT_AUDIENCE, AuthError, createControlVerifier, generateAgentKeyPair, signControlToken, type ControlVerifier, type JWK } from './control-token.js';

let keys: { privateJwk: JWK; publicJwk: JWK };
let verify: ControlVerifier;

beforeAll(async () => {
  keys = await generateAgentKeyPair();
  verify = await createControlVerifier(keys.publicJwk, 'node-1');
});

async function rejection(header: string | undefined): Promise<string> {
  const err = await verify(header, 'status').then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AuthError);
  return (err as Error).message;
}

/** A token with hand-picked claims, signed by the given key. */
async function craft(privateJwk: JWK, claims: { aud?: string; sub?: string; iat?: number; exp?: number }, alg = 'EdDSA'): Promise<string> {
  const jwt = new SignJWT({ act: 'status' }).setProtectedHeader({ alg }).setJti(randomUUID());
  if (claims.aud) jwt.setAudience(claims.aud);
  if (claims.sub) jwt.setSubject(claims.sub);
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(await importJWK(privateJwk, alg));
}

const now = () => Math.floor(Date.now() / 1000);

describe('control tokens', () => {
  it('generates an Ed25519 pair whose public half holds no private material', () => {
    expect(keys.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(keys.publicJwk.d).toBeUndefined();
    expect(keys.privateJwk.d).toEqual(expect.any(String));
  });

  it('accepts a token the CLI signed for this node', async () => {
    const token = await signControlToken(keys.privateJwk, { node: 'node-1', action: 'status' });
    await expect(verify(`Bearer ${token}`, 'status')).resolves.toBeUndefined();
  });

  it('refuses a missing or malformed header', async () => {
    expect(await rejection(undefined)).toBe('missing bearer token');
    expect(await rejection('Basic dXNlcjpwYXNz')).toBe('malformed Authorization header');
    expect(await rejection('Bearer not-a-jwt')).toBe('malformed token');
  });

  it('refuses an expired token, beyond the 30 s clock tolerance', async () => {
    const token = await craft(keys.privateJwk, { aud: AGENT_AUDIENCE, sub: 'node-1', iat: now() - 120, exp: now() - 31 });
    expect(await rejection(`Bearer ${token}`)).toBe('token expired');
    const within = await craft(keys.privateJwk, { aud: AGENT_AUDIENCE, sub: 'node-1', iat: now() - 120, exp: now() - 10 });
    await expect(verify(`Bearer ${within}`, 'status')).resolves.toBeUndefined();
  });

  it('refuses a token older than 5 minutes even if it has not expired', async () => {
    const token = await craft(keys.privateJwk, { aud: AGENT_AUDIENCE, sub: 'node-1', iat: now() - 400, exp: now() + 600 });
    expect(await rejection(`Bearer ${token}`)).toBe('token too old');
  });

  it('refuses a token forged with another key', async () => {
    const other = await generateAgentKeyPair();
    const token = await signControlToken(other.privateJwk, { node: 'node-1', action: 'status' });
    expect(await rejection(`Bearer ${token}`)).toBe('token signature invalid');
  });

  it('refuses a wrong audience, another node, and tokens without exp', async () => {
    expect(await rejection(`Bearer ${await craft(keys.privateJwk, { aud: 'something-else', sub: 'node-1', iat: now(), exp: now() + 60 })}`)).toBe('token rejected: "aud" claim invalid');
    expect(await rejection(`Bearer ${await signControlToken(keys.privateJwk, { node: 'node-2', action: 'status' })}`)).toBe('token rejected: "sub" claim invalid');
    expect(await rejection(`Bearer ${await craft(keys.privateJwk, { aud: AGENT_AUDIENCE, sub: 'node-1', iat: now() })}`)).toBe('token rejected: "exp" claim missing');
  });

  it('never quotes the token in its reasons', async () => {
    const other = await generateAgentKeyPair();
    const token = await signControlToken(other.privateJwk, { node: 'node-1', action: 'status' });
    expect(await rejection(`Bearer ${token}`)).not.toContain(token.split('.')[1]);
  });

  it('will not mint tokens that agents would refuse for age', async () => {
    await expect(signControlToken(keys.privateJwk, { node: 'node-1', action: 'status', ttlSeconds: 301 })).rejects.toThrow(RangeError);
    await expect(signControlToken(keys.privateJwk, { node: 'node-1', action: 'status', ttlSeconds: 0 })).rejects.toThrow(RangeError);
  });

  it('accepts each token once: a replayed token is refused', async () => {
    const token = await signControlToken(keys.privateJwk, { node: 'node-1', action: 'status' });
    await expect(verify(`Bearer ${token}`, 'status')).resolves.toBeUndefined();
    expect(await rejection(`Bearer ${token}`)).toBe('token already used');
  });

  it('refuses a token for another action: a status token cannot restart an app', async () => {
    const token = await signControlToken(keys.privateJwk, { node: 'node-1', action: 'status' });
    const err = await verify(`Bearer ${token}`, 'restart').then(() => undefined, (e: unknown) => e);
    expect((err as Error).message).toBe('token does not allow "restart"');
  });
});
