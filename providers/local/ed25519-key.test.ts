import { describe, expect, it } from 'vitest';
import { sensitivePaths } from '../../planner/desired/sensitive.js';
import { defaultDecision } from '../../planner/diff.js';
import { ref, template, type Expr, type Json } from '../../planner/expr.js';
import { configHash } from '../../planner/hash.js';
import { makePlan } from '../../planner/plan.js';
import type { ApplyOp, DesiredResource, Observed, PlanInput, ProviderContext, ResourceType, StateRecord } from '../../planner/resource.js';
import { createControlVerifier, signControlToken, type JWK } from '../../contract/agent/control-token.js';
import { ed25519Key, generateEd25519Jwks, observeEd25519Key, type Ed25519KeyOutputs } from './ed25519-key.js';

const ctx = { emit: () => {} } as unknown as ProviderContext;
const address = 'ed25519_key.agent';
const attrs = { purpose: 'agent control' };

const jwk = (s: string): JWK => JSON.parse(s) as JWK;

/** True when a token signed with the pair's private key passes the agent's verifier for the pair's public key. */
async function agentAccepts(signer: Ed25519KeyOutputs, verifier: Ed25519KeyOutputs): Promise<boolean> {
  const token = await signControlToken(jwk(signer.privateJwk), { node: 'app-1', action: 'status' });
  const verify = await createControlVerifier(jwk(verifier.publicJwk), 'app-1');
  return verify(`Bearer ${token}`, 'status').then(() => true, () => false);
}

function record(outputs: Ed25519KeyOutputs): StateRecord {
  return { address, type: 'ed25519_key', attributes: attrs, outputs: { ...outputs }, dependsOn: [], sensitive: ['outputs.privateJwk'], hash: configHash(attrs), updatedAt: '' };
}

const apply = async (op: ApplyOp) => (await ed25519Key.apply(ctx, op))?.outputs as unknown as Ed25519KeyOutputs;

describe('generation', () => {
  it('makes an Ed25519 pair as JWK JSON strings: the private one has d, the public one only x', async () => {
    const pair = await generateEd25519Jwks();
    const priv = jwk(pair.privateJwk);
    const pub = jwk(pair.publicJwk);
    expect(priv).toMatchObject({ kty: 'OKP', crv: 'Ed25519', x: pub.x, d: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(Object.keys(pub).sort()).toEqual(['crv', 'kty', 'x']);
  });

  it('signs control tokens the agent accepts, and only with its own public key', async () => {
    const [a, b] = await Promise.all([generateEd25519Jwks(), generateEd25519Jwks()]);
    expect(await agentAccepts(a, a)).toBe(true);
    expect(await agentAccepts(a, b)).toBe(false);
  });
});

describe('ed25519_key plan', () => {
  const prior = record({ privateJwk: '{"d":"x"}', publicJwk: '{"x":"y"}' });
  const observed = observeEd25519Key(prior);
  const input = (over: Partial<PlanInput>): PlanInput => ({ address, desired: attrs, desiredHash: configHash(attrs), sensitive: [], ...over });

  it('is observed from state, and only when state holds both keys', () => {
    expect(observed).toEqual({ address, type: 'ed25519_key', attributes: attrs, hash: prior.hash });
    expect(observeEd25519Key({ ...prior, outputs: { publicJwk: '{}' } })).toBeUndefined();
  });

  it('creates once, then keeps; a new purpose generates a new pair; gone from config deletes', () => {
    expect(ed25519Key.plan(input({}))).toEqual({ action: 'create', reason: 'not found' });
    expect(ed25519Key.plan(input({ prior, observed }))).toEqual({ action: 'noop', reason: 'matches config' });
    expect(ed25519Key.plan(input({ prior, observed, desired: { purpose: 'other' } }))).toMatchObject({ action: 'replace', forcedBy: ['purpose'] });
    expect(ed25519Key.plan(input({ desired: undefined, prior, observed }))).toEqual({ action: 'delete', reason: 'no longer in config' });
  });
});

describe('ed25519_key apply', () => {
  it('generates on create, keeps the pair on update, rotates it on replace, forgets on delete', async () => {
    const created = await apply({ action: 'create', address, attributes: attrs });
    expect(await agentAccepts(created, created)).toBe(true);
    const prior = record(created);
    expect(await apply({ action: 'update', address, attributes: attrs, prior })).toEqual(created);
    const rotated = await apply({ action: 'replace', address, attributes: { purpose: 'rotated' }, prior });
    expect(jwk(rotated.publicJwk).x).not.toBe(jwk(created.publicJwk).x);
    expect(await agentAccepts(rotated, rotated)).toBe(true);
    expect(await agentAccepts(rotated, created)).toBe(false);
    expect(await ed25519Key.apply(ctx, { action: 'delete', address, prior })).toBeUndefined();
    expect(ed25519Key.sensitiveOutputs).toEqual(['privateJwk']);
  });

  it('an update over a record without keys generates a pair rather than storing nothing', async () => {
    const outputs = await apply({ action: 'update', address, attributes: attrs, prior: { ...record({ privateJwk: '', publicJwk: '' }), outputs: {} } });
    expect(await agentAccepts(outputs, outputs)).toBe(true);
  });

  it('refuses attributes that are not { purpose: string }', async () => {
    await expect(ed25519Key.apply(ctx, { action: 'create', address, attributes: { purpose: 3 } })).rejects.toThrow(/^internal: ed25519_key\.agent has invalid attributes/);
  });
});

describe('the private key in plans', () => {
  // A consumer the way the planner builds one: the public key in a template, the private key by ref.
  const thing: ResourceType = { type: 'thing', plan: (input) => defaultDecision(input), apply: async () => undefined };
  const types = new Map([['ed25519_key', ed25519Key as ResourceType], ['thing', thing]]);
  const consumerAttrs: Expr = { manifest: template('{"key":', ref(address, 'publicJwk'), '}'), signing: ref(address, 'privateJwk') };
  const desired = (purpose: string): DesiredResource[] => [
    { address, type: 'ed25519_key', attributes: { purpose }, dependsOn: [], sensitive: [] },
    { address: 'thing.cli', type: 'thing', attributes: consumerAttrs, dependsOn: [], sensitive: sensitivePaths(consumerAttrs) },
  ];

  async function stateWithKey() {
    const key = await generateEd25519Jwks();
    const live = { manifest: `{"key":${key.publicJwk}}`, signing: key.privateJwk };
    const consumer: StateRecord = { address: 'thing.cli', type: 'thing', attributes: live, outputs: {}, dependsOn: [address], sensitive: ['attributes.signing'], hash: configHash(live), updatedAt: '' };
    const observed: Observed = { address: 'thing.cli', type: 'thing', attributes: live };
    return { key, prior: new Map([[address, record(key)], ['thing.cli', consumer]]), observed: new Map([[address, observeEd25519Key(record(key))!], ['thing.cli', observed]]) };
  }

  const plan = (over: Partial<Parameters<typeof makePlan>[0]>) => makePlan({
    project: 'p', stack: 's', stackType: 'remote', mode: 'normal', desired: [], prior: new Map(), observed: new Map(), unreadable: new Map(),
    types, binding: { stateLineage: 'l', stateSerial: 0, configDigest: 'd' }, ...over,
  });

  /** Every diff carrying the private key's `d` is marked sensitive (so every renderer masks it); returns how many there were. */
  function secretDiffs(p: ReturnType<typeof makePlan>, privateJwk: string): number {
    const d = jwk(privateJwk).d!;
    const carrying = p.changes.flatMap((c) => c.diffs).filter((diff) => JSON.stringify([diff.before ?? null, diff.after ?? null]).includes(d));
    for (const diff of carrying) expect(diff).toMatchObject({ sensitive: true });
    return carrying.length;
  }

  it('refs to privateJwk make the consumer path sensitive; publicJwk does not', () => {
    expect(sensitivePaths(consumerAttrs)).toEqual(['signing']);
  });

  it('create: the key diff shows only its purpose; the consumer signing value is unknown and sensitive', () => {
    const p = plan({ desired: desired('agent control') });
    expect(p.changes[0].diffs).toEqual([{ path: 'purpose', after: 'agent control' }]);
    expect(p.changes[1].diffs.find((d) => d.path === 'signing')).toMatchObject({ sensitive: true });
  });

  it('rotation: the old private key shows up only in diffs marked sensitive', async () => {
    const { key, prior, observed } = await stateWithKey();
    const p = plan({ desired: desired('rotated'), prior, observed });
    expect(p.changes.map((c) => c.action)).toEqual(['replace', 'update']);
    expect(p.changes[0].diffs.map((d) => d.path)).toEqual(['purpose']);
    expect(secretDiffs(p, key.privateJwk)).toBe(1);
  });

  it('destroy: the consumer delete diff of the private key is sensitive too', async () => {
    const { key, prior, observed } = await stateWithKey();
    const p = plan({ mode: 'destroy', desired: desired('agent control'), prior, observed });
    expect(p.changes.map((c) => [c.address, c.action])).toEqual([['thing.cli', 'delete'], [address, 'delete']]);
    expect(secretDiffs(p, key.privateJwk)).toBe(1);
  });
});
