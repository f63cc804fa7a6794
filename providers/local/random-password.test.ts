import { describe, expect, it } from 'vitest';
import type { ApplyOp, PlanInput, ProviderContext, StateRecord } from '../../planner/resource.js';
import { generateSecret, observeRandomPassword, randomPassword, randomString } from './random-password.js';

const ctx = { emit: () => {} } as unknown as ProviderContext;
const address = 'random_password.jwt_secret';
const attrs = { length: 40, special: false };
const prior: StateRecord = {
  address, type: 'random_password', attributes: attrs, outputs: { result: 'kept-secret' }, dependsOn: [],
  sensitive: ['outputs.result'], hash: 'h1', updatedAt: '',
};

describe('generation', () => {
  it('draws only from the alphabet, with the requested length', () => {
    expect(randomString(1000, 'ab')).toMatch(/^[ab]{1000}$/);
    expect(generateSecret(40, false)).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(generateSecret(64, true)).toMatch(/^[A-Za-z0-9\-_.~!*+=]{64}$/);
  });

  it('uses every character of a 62-letter alphabet over a long draw (no modulo holes)', () => {
    expect(new Set(generateSecret(5000, false)).size).toBe(62);
    expect(generateSecret(40, false)).not.toBe(generateSecret(40, false));
  });
});

describe('random_password plan', () => {
  const input = (over: Partial<PlanInput>): PlanInput => ({ address, desired: attrs, desiredHash: 'h1', sensitive: [], ...over });
  const observed = observeRandomPassword(prior);

  it('is observed from state, and only when state holds a result', () => {
    expect(observed).toEqual({ address, type: 'random_password', attributes: attrs, hash: 'h1' });
    expect(observeRandomPassword({ ...prior, outputs: {} })).toBeUndefined();
  });

  it('creates once, then keeps; any attribute change generates a new value', () => {
    expect(randomPassword.plan(input({}))).toEqual({ action: 'create', reason: 'not found' });
    expect(randomPassword.plan(input({ prior, observed }))).toEqual({ action: 'noop', reason: 'matches config' });
    expect(randomPassword.plan(input({ prior, observed, desired: { length: 64, special: false } }))).toMatchObject({ action: 'replace', forcedBy: ['length'] });
    expect(randomPassword.plan(input({ desired: undefined, prior, observed }))).toEqual({ action: 'delete', reason: 'no longer in config' });
  });
});

describe('random_password apply', () => {
  const op = (action: ApplyOp['action'], attributes = attrs): ApplyOp => ({ action, address, attributes, prior });

  it('generates on create and replace, keeps on update, does nothing on delete', async () => {
    const created = await randomPassword.apply(ctx, { action: 'create', address, attributes: attrs });
    expect(created?.outputs.result).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(created?.attributes).toEqual(attrs);
    const replaced = await randomPassword.apply(ctx, op('replace', { length: 12, special: true }));
    expect(replaced?.outputs.result).toHaveLength(12);
    expect(replaced?.outputs.result).not.toBe('kept-secret');
    expect((await randomPassword.apply(ctx, op('update')))?.outputs).toEqual({ result: 'kept-secret' });
    expect(await randomPassword.apply(ctx, { action: 'delete', address, prior })).toBeUndefined();
    expect(randomPassword.sensitiveOutputs).toEqual(['result']);
  });
});
