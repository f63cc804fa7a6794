import { describe, expect, it } from 'vitest';
import type { Json } from '../../planner/expr.js';
import type { ApplyOp } from '../../planner/resource.js';
import { removingOld } from './node-type.js';
import { fakeContext, stateRecord } from '../../test/support/systemd/fakes.js';

describe('removingOld', () => {
  const calls: string[] = [];
  const apply = removingOld(
    async (_ctx, _op, old) => { calls.push(`remove ${String(old.path)}`); },
    async (_ctx, op) => { calls.push(`put ${op.action}`); return { attributes: op.attributes ?? null, outputs: {} }; },
  );
  const run = async (op: ApplyOp) => { calls.length = 0; const applied = await apply(fakeContext({}), op); return { calls: [...calls], applied }; };
  const at = (path: string): Json => ({ node: 'app-1', path });

  it('a delete removes the old object where state recorded it and puts nothing', async () => {
    const observed = { address: 'x.a', type: 'x', attributes: at('/seen') };
    expect(await run({ action: 'delete', address: 'x.a', prior: stateRecord('x.a', 'x', at('/recorded')), observed })).toEqual({ calls: ['remove /recorded'], applied: undefined });
  });

  it('a replace removes the old object (found only by observe when state has none), then puts the new one', async () => {
    const observed = { address: 'x.a', type: 'x', attributes: at('/seen') };
    expect((await run({ action: 'replace', address: 'x.a', attributes: at('/new'), observed })).calls).toEqual(['remove /seen', 'put replace']);
  });

  it('create and update only put', async () => {
    const prior = stateRecord('x.a', 'x', at('/recorded'));
    expect((await run({ action: 'create', address: 'x.a', attributes: at('/new') })).calls).toEqual(['put create']);
    expect((await run({ action: 'update', address: 'x.a', attributes: at('/recorded'), prior })).calls).toEqual(['put update']);
  });
});
