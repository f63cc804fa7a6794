// Shared authentication, as the production guide extracts it: every app verifies the tokens the auth
// app issues with the stack's one JWT_SECRET (HS256 JWTs, node:crypto only).
import { createHmac, timingSafeEqual } from 'node:crypto';

const b64url = (input) => Buffer.from(input).toString('base64url');

export function signToken(claims, secret = process.env.JWT_SECRET, ttlSeconds = 3600) {
  if (!secret) throw new Error('JWT_SECRET is not set');
  const body = { ...claims, exp: Math.floor(Date.now() / 1000) + ttlSeconds };
  const head = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(body))}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** The claims of a valid, unexpired token; undefined for anything else. */
export function verifyToken(token, secret = process.env.JWT_SECRET) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (!secret || parts.length !== 3) return undefined;
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const got = Buffer.from(parts[2], 'base64url');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return undefined;
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  return typeof claims.exp === 'number' && claims.exp * 1000 > Date.now() ? claims : undefined;
}

/** The bearer token's claims of an incoming request, when it carries a valid one. */
export function authenticate(req, secret) {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? verifyToken(header.slice('Bearer '.length), secret) : undefined;
}
