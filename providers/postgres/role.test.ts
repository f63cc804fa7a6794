import { describe, expect, it } from 'vitest';
import type { Observed, PlanInput, StateRecord } from '../../planner/resource.js';
import { PASSWORD_MISMATCH, planRole, postgresRole } from './role.js';

const address = 'postgres_role.api';
const attrs = { name: 'api', login: true };
const prior: StateRecord = {
  address, type: 'postgres_role', id: 'api', attributes: attrs, outputs: { name: 'api', password: 'pw' },
  dependsOn: [], sensitive: ['outputs.password'], hash: 'h1', updatedAt: '2024-01-01T00:00:00Z',
};
const live = (over: Partial<Observed> = {}): Observed => ({ address, type: 'postgres_role', id: 'api', attributes: attrs, hash: 'h1', ...over });
const input = (over: Partial<PlanInput>): PlanInput => ({ address, desired: attrs, desiredHash: 'h1', sensitive: [], ...over });

describe('postgres_role plan', () => {
  it('creates a missing role', () => {
    expect(planRole(input({}))).toEqual({ action: 'create', reason: 'not found' });
    expect(planRole(input({ prior }))).toEqual({ action: 'create', reason: 'deleted outside omnitron' });
  });

  it('is a no-op when the live role matches and carries our hash', () => {
    expect(planRole(input({ prior, observed: live() }))).toEqual({ action: 'noop', reason: 'matches config' });
  });

  it('re-creates (resets the password of) a live role whose password state does not hold', () => {
    expect(planRole(input({ observed: live() }))).toEqual({ action: 'create', reason: 'exists, but its password is not in state' });
    expect(planRole(input({ observed: live({ hash: undefined, notes: ['stamped by omnitron for shop/prod as postgres_role.api'] }) })))
      .toEqual({ action: 'create', reason: 'exists (stamped by omnitron for shop/prod as postgres_role.api); its password will be reset' });
  });

  it('updates login in place and replaces (renames, rotates) on a name change', () => {
    expect(planRole(input({ prior, observed: live({ attributes: { name: 'api', login: false } }) }))).toEqual({
      action: 'update', reason: 'changed outside omnitron', diffs: [{ path: 'login', before: false, after: true }],
    });
    expect(planRole(input({ prior, desired: { name: 'api_v2', login: true }, observed: live() }))).toEqual({
      action: 'replace', reason: 'config changed', forcedBy: ['name'],
      diffs: [{ path: 'name', before: 'api', after: 'api_v2', forcesReplacement: true }],
    });
  });

  it('restores a password changed outside omnitron', () => {
    expect(planRole(input({ prior, observed: live({ status: PASSWORD_MISMATCH }) })))
      .toEqual({ action: 'update', reason: 'password changed outside omnitron', diffs: [] });
  });

  it('restamps when the hash diverged or the comment is gone', () => {
    expect(planRole(input({ prior, observed: live({ hash: 'old' }) }))).toEqual({ action: 'update', reason: 'config hash diverged', diffs: [] });
    expect(planRole(input({ prior, observed: live({ hash: undefined, notes: ['no omnitron ownership comment'] }) })))
      .toEqual({ action: 'update', reason: 'no omnitron ownership comment', diffs: [] });
  });

  it('deletes roles no longer in config and orphans', () => {
    expect(planRole(input({ desired: undefined, prior, observed: live() }))).toEqual({ action: 'delete', reason: 'no longer in config' });
    expect(planRole(input({ desired: undefined, observed: live() }))).toEqual({ action: 'delete', reason: 'owned by this stack but not in config' });
    expect(planRole(input({ desired: undefined, prior }))).toEqual({ action: 'noop', reason: 'already gone' });
  });

  it('trusts state when the server cannot be read', () => {
    expect(planRole(input({ prior, unreadable: 'connect ECONNREFUSED' })))
      .toEqual({ action: 'noop', reason: 'could not read (connect ECONNREFUSED); state says it is up to date' });
  });
});

describe('postgres_role apply without a server', () => {
  it('fails with a ProviderError naming the address when no connection is known', async () => {
    const ctx = { signal: new AbortController().signal, emit: () => {} } as never;
    await expect(postgresRole.apply(ctx, { action: 'delete', address, prior })).rejects.toMatchObject({
      name: 'ProviderError', address, message: 'no connection to its postgres server is known',
    });
  });
});
