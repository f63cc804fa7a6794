/**
 * `random_password`: a secret generated once with crypto.randomBytes and kept in state (its only home).
 * Any attribute change generates a new one (replace); update keeps the value.
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { defaultDecision } from '../../planner/diff.js';
import type { ApplyOp, Applied, Observed, PlanInput, ProviderContext, ResourceType, StateRecord } from '../../planner/resource.js';
import { parseAttributes } from '../parse-attributes.js';

export const RANDOM_PASSWORD_TYPE = 'random_password';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** URL-safe in userinfo (RFC 3986 unreserved and sub-delims), since secrets end up in connection URLs. */
const SPECIAL = '-_.~!*+=';

const attributesSchema = z.object({ length: z.number().int().min(1).max(4096), special: z.boolean() });

/** Uniform over the alphabet: bytes at or above the largest multiple of its size are rejected. */
export function randomString(length: number, alphabet: string): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(Math.ceil((length - out.length) * 1.3) + 8)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

export function generateSecret(length: number, special: boolean): string {
  return randomString(length, special ? ALPHANUMERIC + SPECIAL : ALPHANUMERIC);
}

/** State is the object: a remembered password with a result "exists"; one without must be generated again. */
export function observeRandomPassword(prior: StateRecord): Observed | undefined {
  if (typeof prior.outputs.result !== 'string') return undefined;
  return { address: prior.address, type: prior.type, ...(prior.id ? { id: prior.id } : {}), attributes: prior.attributes, hash: prior.hash };
}

export function planRandomPassword(input: PlanInput) {
  return defaultDecision(input, { replaceOn: ['*'] });
}

async function applyRandomPassword(_ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  if (op.action === 'delete') return undefined;
  const attrs = parseAttributes(attributesSchema, op, 'internal');
  const kept = op.prior?.outputs.result;
  const result = op.action === 'update' && typeof kept === 'string' ? kept : generateSecret(attrs.length, attrs.special);
  return { attributes: attrs, outputs: { result } };
}

export const randomPassword = {
  type: RANDOM_PASSWORD_TYPE,
  sensitiveOutputs: ['result'],
  plan: planRandomPassword,
  apply: applyRandomPassword,
} satisfies ResourceType;
