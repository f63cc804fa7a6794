import { describe, expect, it } from 'vitest';
import { encodeMarker } from './marker.js';
import { IN_USE, mapDatabases, OUT_OF_RANGE, parseDatabases, probeRows } from './probe.js';

const scope = { project: 'shop', stack: 'dev', lineage: 'L1' };
const mark = (address: string, app = 'api', stack = 'dev', lineage = 'L1') => ({ project: 'shop', stack, lineage, address, hash: 'h1', app, purpose: 'app' });

describe('parsing the probe', () => {
  it('reads CONFIG GET databases', () => {
    expect(parseDatabases(['databases', '16'])).toBe(16);
    expect(() => parseDatabases([])).toThrow('CONFIG GET databases gave no usable answer');
  });

  it('splits pipeline replies into rows', () => {
    const replies = ['OK', encodeMarker(mark('redis_database.api')), 3, 'OK', null, 0, 'OK'];
    expect(probeRows(replies, 2)).toEqual([
      { index: 0, marker: mark('redis_database.api'), keys: 3 },
      { index: 1, marker: undefined, keys: 0 },
    ]);
  });
});

describe('mapDatabases', () => {
  const rows = [
    { index: 0, marker: mark('redis_database.api'), keys: 5 },
    { index: 1, marker: mark('redis_database.old', 'old'), keys: 2 },
    { index: 2, marker: mark('redis_database.web', 'web', 'prod'), keys: 1 },
    { index: 3, keys: 9 },
    { index: 4, keys: 0 },
  ];

  it('finds our DBs by marker, wherever they are, orphans included', () => {
    const found = mapDatabases(rows, 5, [{ address: 'redis_database.api', index: 0, desired: true }], scope);
    expect(found.get('redis_database.api')).toEqual({
      address: 'redis_database.api', type: 'redis_database', id: '0', attributes: { index: 0, app: 'api', purpose: 'app' }, hash: 'h1', owner: { kind: 'this' },
    });
    expect(found.get('redis_database.old')?.attributes).toEqual({ index: 1, app: 'old', purpose: 'app' });
    expect(found.size).toBe(2);
  });

  it('says which state made a DB marked for this stack', () => {
    const found = mapDatabases([{ index: 0, marker: mark('redis_database.api', 'api', 'dev', 'L2'), keys: 1 }], 1, [], scope);
    expect(found.get('redis_database.api')?.owner).toEqual({ kind: 'other', who: 'omnitron project "shop", stack "dev", state lineage L2' });
  });

  it('reports wanted indexes that are out of range, taken, or hold unmarked data', () => {
    const targets = [
      { address: 'redis_database.far', index: 20, desired: true },
      { address: 'redis_database.web', index: 2, desired: true },
      { address: 'redis_database.legacy', index: 3, desired: true },
      { address: 'redis_database.fresh', index: 4, desired: true },
      { address: 'redis_database.forgotten', index: 3, desired: false },
    ];
    const found = mapDatabases(rows, 5, targets, scope);
    expect(found.get('redis_database.far')).toEqual({
      address: 'redis_database.far', type: 'redis_database', id: '20', attributes: { index: 20 }, status: OUT_OF_RANGE,
      notes: ["index 20 is beyond the server's 5 databases (0-4): raise `databases`"],
    });
    expect(found.get('redis_database.web')).toMatchObject({ status: IN_USE, notes: ['index 2 is used by omnitron shop/prod redis_database.web'] });
    expect(found.get('redis_database.legacy')).toEqual({
      address: 'redis_database.legacy', type: 'redis_database', id: '3', attributes: { index: 3 }, notes: ['index 3 holds 9 keys without an omnitron marker'], owner: { kind: 'none' },
    });
    expect(found.has('redis_database.fresh')).toBe(false);
    expect(found.has('redis_database.forgotten')).toBe(false);
  });
});
