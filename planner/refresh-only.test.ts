import { describe, expect, it } from 'vitest';
import { acceptOutsideChanges } from './refresh-only.js';
import { configHash } from './hash.js';
import type { Json } from './expr.js';
import type { OutsideChange } from './drift-report.js';
import type { Observed, StateRecord } from './resource.js';

const record = (address: string, attributes: Json): StateRecord =>
  ({ address, type: 'thing', id: 'old-id', attributes, outputs: { port: 1 }, dependsOn: ['thing.dep'], sensitive: ['attributes.pw'], hash: configHash(attributes), updatedAt: '2020-01-01T00:00:00.000Z' });
const outside = (address: string, kind: OutsideChange['kind'], recordable: boolean): OutsideChange =>
  ({ address, type: 'thing', target: 'local', kind, summary: 's', attributes: [], recordable });

class MemoryStore {
  readonly records = new Map<string, StateRecord>();
  readonly writes: string[] = [];
  get(address: string) { return this.records.get(address); }
  async upsert(r: StateRecord) { this.records.set(r.address, r); this.writes.push(`upsert ${r.address}`); }
  async remove(address: string) { this.records.delete(address); this.writes.push(`remove ${address}`); }
}

describe('acceptOutsideChanges', () => {
  it('records live attributes, forgets deleted objects, and leaves conditions alone', async () => {
    const store = new MemoryStore();
    for (const r of [record('thing.edited', { size: 1, pw: 'x' }), record('thing.gone', { size: 1 }), record('thing.stopped', { size: 1 })]) store.records.set(r.address, r);
    const observed = new Map<string, Observed>([
      ['thing.edited', { address: 'thing.edited', type: 'thing', id: 'new-id', attributes: { size: 2, pw: 'x' } }],
      ['thing.stopped', { address: 'thing.stopped', type: 'thing', attributes: { size: 1 }, status: 'exited' }],
    ]);
    const now = new Date('2026-01-02T03:04:05.000Z');
    const done = await acceptOutsideChanges({ outside: [outside('thing.edited', 'changed', true), outside('thing.gone', 'deleted', true), outside('thing.stopped', 'changed', false)] }, observed, store, now);
    expect(done).toEqual({ updated: ['thing.edited'], forgotten: ['thing.gone'], notRecordable: ['thing.stopped'] });
    expect(store.writes).toEqual(['upsert thing.edited', 'remove thing.gone']);
    expect(store.records.get('thing.edited')).toEqual({
      address: 'thing.edited', type: 'thing', id: 'new-id', attributes: { size: 2, pw: 'x' }, outputs: { port: 1 }, dependsOn: ['thing.dep'],
      sensitive: ['attributes.pw'], hash: configHash({ size: 2, pw: 'x' }), updatedAt: now.toISOString(),
    });
    expect(store.records.get('thing.stopped')!.updatedAt, 'untouched').toBe('2020-01-01T00:00:00.000Z');
  });
});
