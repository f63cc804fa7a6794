import { describe, expect, it } from 'vitest';
import { UserError } from '../diagnostics.js';
import { emptyState, parseState, serializeState } from './document.js';

const where = '/srv/app/.omnitron/dev/state.json';
const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

const record = {
  address: 'docker_container.api', type: 'docker_container', id: 'c0ffee',
  attributes: { image: 'api:1' }, outputs: { port: 8080 }, dependsOn: [], sensitive: [], hash: 'h', updatedAt: '2026-11-22T18:01:00.000Z',
};

describe('state document', () => {
  it('starts empty at serial 0 with a fresh uuid lineage', () => {
    const a = emptyState('shop', 'dev');
    expect(a).toMatchObject({ formatVersion: 1, serial: 0, project: 'shop', stack: 'dev', resources: {} });
    expect(a.lineage).toMatch(/^[0-9a-f-]{36}$/);
    expect(emptyState('shop', 'dev').lineage).not.toBe(a.lineage);
  });

  it('round-trips through serializeState with records sorted by address', () => {
    const doc = { ...emptyState('shop', 'dev'), serial: 3, resources: { 'z.b': { ...record, address: 'z.b' }, 'a.a': { ...record, address: 'a.a' } } };
    const bytes = serializeState(doc);
    expect(parseState(bytes, where)).toEqual(doc);
    expect(Object.keys(JSON.parse(new TextDecoder().decode(bytes)).resources)).toEqual(['a.a', 'z.b']);
  });

  it('keeps a record\'s connection and any field it does not know yet', () => {
    const connection = { host: '127.0.0.1', password: { $ref: 'random_password.db', output: 'result' } };
    const doc = { ...emptyState('shop', 'dev'), resources: { [record.address]: { ...record, connection, addedLater: [1] } } };
    expect(parseState(serializeState(doc), where).resources[record.address]).toMatchObject({ connection, addedLater: [1] });
  });

  it('names the file when the bytes are not JSON', () => {
    const failure = (() => { try { parseState(encode('{"formatVersion": 1, "ser'), where); } catch (e) { return e; } })();
    expect(failure).toBeInstanceOf(UserError);
    expect((failure as Error).message).toMatch(/^Error: \/srv\/app\/\.omnitron\/dev\/state\.json: state is not valid: /);
  });

  it('names the bad field when the shape is wrong', () => {
    const doc = { ...emptyState('shop', 'dev'), resources: { 'x.y': { ...record, address: 'x.y', dependsOn: 'nope' } } };
    expect(() => parseState(encode(doc), where)).toThrow(/state\.json: state is not valid: resources\.x\.y\.dependsOn/);
  });

  it('names a record that lost its attributes', () => {
    const { attributes: _, ...withoutAttributes } = record;
    const doc = { ...emptyState('shop', 'dev'), resources: { [record.address]: withoutAttributes } };
    expect(() => parseState(encode(doc), where)).toThrow(/state is not valid: resources\.docker_container\.api\.attributes: required/);
  });

  it('refuses a record filed under another address', () => {
    const doc = { ...emptyState('shop', 'dev'), resources: { 'x.y': record } };
    expect(() => parseState(encode(doc), where)).toThrow(/resources\["x\.y"\] holds a record for "docker_container\.api"/);
  });

  it('refuses a newer format version with an upgrade hint', () => {
    const doc = { ...emptyState('shop', 'dev'), formatVersion: 2, somethingNew: true };
    expect(() => parseState(encode(doc), where)).toThrow(/state\.json: state was written by a newer omnitron \(format version 2; this one reads up to 1\)\n {2}Upgrade omnitron/);
  });
});
