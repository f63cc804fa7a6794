import { describe, expect, it } from 'vitest';
import { importRecord, type ImportRequest } from './import-object.js';
import type { Observed, ResourceType } from './resource.js';

const db: ResourceType = { type: 'postgres_database', claimsObjects: true, plan: () => ({ action: 'noop', reason: '' }), apply: async () => undefined, recordOutputs: (o) => ({ name: o.id ?? null }) };
const secret: ResourceType = { type: 'random_password', plan: () => ({ action: 'noop', reason: '' }), apply: async () => undefined };
const live: Observed = { address: 'postgres_database.ledger', type: 'postgres_database', id: 'ledger', attributes: { name: 'ledger', owner: 'postgres' }, owner: { kind: 'none' } };

function request(over: Partial<ImportRequest> = {}): ImportRequest {
  return {
    address: 'postgres_database.ledger', id: 'ledger',
    desired: [
      { address: 'postgres_database.ledger', type: 'postgres_database', attributes: { name: 'ledger', owner: 'ledger' }, connection: { host: 'db' }, dependsOn: ['postgres_role.ledger'], sensitive: [] },
      { address: 'random_password.jwt', type: 'random_password', attributes: {}, dependsOn: [], sensitive: [] },
    ],
    prior: new Map(), observed: new Map([[live.address, live]]), unreadable: new Map(),
    types: new Map([[db.type, db], [secret.type, secret]]), ...over,
  };
}

describe('importRecord', () => {
  it('records the object as it is live, with the config\'s connection and dependencies', () => {
    expect(importRecord(request())).toMatchObject({
      address: 'postgres_database.ledger', type: 'postgres_database', id: 'ledger', attributes: { name: 'ledger', owner: 'postgres' },
      outputs: { name: 'ledger' }, connection: { host: 'db' }, dependsOn: ['postgres_role.ledger'],
    });
  });

  it('refuses, naming why: not in config, not importable, already managed, wrong id, unreadable', () => {
    expect(() => importRecord(request({ address: 'postgres_database.nope' }))).toThrow('postgres_database.nope is not in the config of this stack');
    expect(() => importRecord(request({ address: 'random_password.jwt' }))).toThrow('random_password objects are not imported');
    const recorded = { address: live.address, type: live.type, attributes: {}, outputs: {}, dependsOn: [], sensitive: [], hash: '', updatedAt: '' };
    expect(() => importRecord(request({ prior: new Map([[live.address, recorded]]) }))).toThrow('is already managed by this state');
    expect(importRecord(request({ prior: new Map([[live.address, { ...recorded, intent: true as const }]]) })).id).toBe('ledger');
    expect(() => importRecord(request({ id: 'ledger_old' }))).toThrow('no postgres_database "ledger_old" where the config puts postgres_database.ledger (found "ledger" there)');
    expect(() => importRecord(request({ observed: new Map() }))).toThrow('no postgres_database "ledger" where the config puts');
    expect(() => importRecord(request({ unreadable: new Map([[live.address, 'server down']]) }))).toThrow('cannot import postgres_database.ledger: server down');
  });
});
