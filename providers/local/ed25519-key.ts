/**
 * `ed25519_key`: an Ed25519 key pair generated once (contract/agent/control-token.ts) and kept in state (its only home), e.g.
 * the key the CLI signs agent control tokens with. Outputs are JWKs as JSON strings so templates can
 * embed them. Any attribute change generates a new pair (replace); update keeps the pair.
 */
import * as z from 'zod';
import { defaultDecision } from '../../planner/diff.js';
import type { ApplyOp, Applied, Observed, PlanInput, ProviderContext, ResourceType, StateRecord } from '../../planner/resource.js';
import { generateAgentKeyPair } from '../../contract/agent/control-token.js';
import { parseAttributes } from '../parse-attributes.js';

export const ED25519_KEY_TYPE = 'ed25519_key';

const attributesSchema = z.object({ purpose: z.string() });

export interface Ed25519KeyOutputs { privateJwk: string; publicJwk: string }

export async function generateEd25519Jwks(): Promise<Ed25519KeyOutputs> {
  const { privateJwk, publicJwk } = await generateAgentKeyPair();
  return { privateJwk: JSON.stringify(privateJwk), publicJwk: JSON.stringify(publicJwk) };
}

function keptOutputs(prior: StateRecord | undefined): Ed25519KeyOutputs | undefined {
  const { privateJwk, publicJwk } = prior?.outputs ?? {};
  return typeof privateJwk === 'string' && typeof publicJwk === 'string' ? { privateJwk, publicJwk } : undefined;
}

/** State is the object: a remembered pair "exists"; a record without one must be generated again. */
export function observeEd25519Key(prior: StateRecord): Observed | undefined {
  if (!keptOutputs(prior)) return undefined;
  return { address: prior.address, type: prior.type, ...(prior.id ? { id: prior.id } : {}), attributes: prior.attributes, hash: prior.hash };
}

export function planEd25519Key(input: PlanInput) {
  return defaultDecision(input, { replaceOn: ['*'] });
}

async function applyEd25519Key(_ctx: ProviderContext, op: ApplyOp): Promise<Applied | undefined> {
  if (op.action === 'delete') return undefined;
  const attrs = parseAttributes(attributesSchema, op, 'internal');
  const kept = op.action === 'update' ? keptOutputs(op.prior) : undefined;
  const outputs = kept ?? await generateEd25519Jwks();
  return { attributes: attrs, outputs: { ...outputs } };
}

export const ed25519Key = {
  type: ED25519_KEY_TYPE,
  sensitiveOutputs: ['privateJwk'],
  plan: planEd25519Key,
  apply: applyEd25519Key,
} satisfies ResourceType;
