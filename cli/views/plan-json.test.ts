import { describe, expect, it } from 'vitest';
import { PLAN_FORMAT_VERSION, type Plan } from '../../planner/change.js';
import { UNKNOWN, type Json } from '../../planner/expr.js';
import { planToJson, renderPlanJson, setPath } from './plan-json.js';
import { change, type ChangeInit } from '../../test/support/plan-changes.js';

function plan(changes: Array<Omit<ChangeInit, 'reason'> & { reason?: string }>, extra: Partial<Plan> = {}): Plan {
  return {
    formatVersion: PLAN_FORMAT_VERSION, project: 'p', stack: 's', stackType: 'local', drift: [], runtimeDrift: [], diagnostics: [], mode: 'normal',
    binding: { stateLineage: 'lin', stateSerial: 4, configDigest: 'dig' },
    changes: changes.map((c) => change({ reason: 'r', ...c })),
    ...extra,
  };
}

describe('planToJson', () => {
  it('maps actions the way Terraform does', () => {
    const out = planToJson(plan([
      { address: 'a.c', action: 'create' }, { address: 'a.u', action: 'update' }, { address: 'a.r', action: 'replace', forcedBy: [] },
      { address: 'a.d', action: 'delete' }, { address: 'a.n', action: 'noop' },
    ]));
    expect(out.resource_changes.map((c) => c.actions)).toEqual([['create'], ['update'], ['delete', 'create'], ['delete'], ['no-op']]);
    expect(out.summary).toEqual({ add: 2, change: 1, destroy: 2, record: 0, forget: 0 });
  });

  it('nests dot paths, nulls sensitive values and leaves unknowns out of after', () => {
    const [c] = planToJson(plan([{ address: 'a.x', action: 'update', diffs: [
      { path: 'env.PASSWORD', before: 'p1', after: 'p2', sensitive: true },
      { path: 'env.MODE', before: 'a', after: 'b' },
      { path: 'ports', before: [1], after: [{ host: UNKNOWN }] },
    ] }])).resource_changes;
    expect(c.change).toEqual({
      before: { env: { PASSWORD: null, MODE: 'a' }, ports: [1] },
      after: { env: { PASSWORD: null, MODE: 'b' } },
      after_unknown: { ports: true },
      before_sensitive: { env: { PASSWORD: true } },
      after_sensitive: { env: { PASSWORD: true } },
    });
  });

  it('treats the { "$unknown": true } marker of a loaded plan like UNKNOWN', () => {
    const [c] = planToJson(plan([{ address: 'a.x', action: 'create', diffs: [{ path: 'id', after: { $unknown: true } }] }])).resource_changes;
    expect(c.change.after).toEqual({});
    expect(c.change.after_unknown).toEqual({ id: true });
  });

  it('uses null for the missing side of creates and deletes', () => {
    const out = planToJson(plan([
      { address: 'a.c', action: 'create', diffs: [{ path: 'n', after: 1 }] },
      { address: 'a.d', action: 'delete', diffs: [{ path: 'n', before: 1 }] },
    ]));
    expect(out.resource_changes.map((c) => [c.change.before, c.change.after])).toEqual([[null, { n: 1 }], [{ n: 1 }, null]]);
  });

  it('carries reasons, forced paths, drift and record flags', () => {
    const out = planToJson(plan([
      { address: 'a.r', action: 'replace', forcedBy: ['image'], drifted: true, diffs: [{ path: 'image', before: 'a', after: 'b', forcesReplacement: true }] },
      { address: 'a.q', action: 'replace', forcedBy: ['requested'] },
      { address: 'a.d', action: 'delete' },
      { address: 'a.n', action: 'noop', record: true },
    ]));
    const [r, q, d, n] = out.resource_changes;
    expect(r).toMatchObject({ action_reason: 'replace_because_cannot_update', forced_by: ['image'], drifted: true, change: { replace_paths: [['image']] } });
    expect(q.action_reason).toBe('replace_by_request');
    expect(d.action_reason).toBe('delete_because_no_resource_config');
    expect(n).toMatchObject({ actions: ['no-op'], record: true });
    expect(out.summary.record).toBe(1);
    expect('drifted' in n).toBe(false);
  });

  it('has no delete action_reason in destroy mode', () => {
    expect(planToJson(plan([{ address: 'a.d', action: 'delete' }], { mode: 'destroy' })).resource_changes[0].action_reason).toBeUndefined();
  });

  it('includes binding, drift, diagnostics and the given version', () => {
    const out = planToJson(plan([], {
      drift: [{ address: 'a.x', summary: 'container is exited' }],
      diagnostics: [{ severity: 'warning', summary: 'w', address: 'a.x', detail: undefined }],
    }), { version: '1.2.3' });
    expect(out).toMatchObject({
      format_version: '1.0', omnitron_version: '1.2.3', project: 'p', stack: 's',
      binding: { state_lineage: 'lin', state_serial: 4, config_digest: 'dig' },
      resource_drift: [{ address: 'a.x', summary: 'container is exited' }],
      diagnostics: [{ severity: 'warning', summary: 'w', address: 'a.x' }],
    });
    expect(Object.keys(out.diagnostics[0])).not.toContain('detail');
  });

  it('never serialises desired, prior or observed (they may hold secrets)', () => {
    const json = renderPlanJson(plan([{
      address: 'a.x', action: 'update',
      prior: { address: 'a.x', type: 'a', attributes: { pw: 'hunter2' }, outputs: {}, dependsOn: [], sensitive: [], hash: 'h', updatedAt: 't' },
      observed: { address: 'a.x', type: 'a', attributes: { pw: 'hunter2' } },
      desired: { attributes: { pw: 'hunter2' }, sensitive: ['pw'] },
    }]));
    expect(json).not.toContain('hunter2');
  });

  it('never serialises the prior or observed of a no-op, nor what a recording no-op found', () => {
    const prior = { address: 'a.x', type: 'a', attributes: { pw: 'hunter2' }, outputs: {}, dependsOn: [], sensitive: [], hash: 'h', updatedAt: 't' };
    const observed = { address: 'a.y', type: 'a', attributes: { pw: 'hunter2' } };
    const json = renderPlanJson(plan([
      { address: 'a.x', action: 'noop', prior, observed: { ...observed, address: 'a.x' } },
      { address: 'a.y', action: 'noop', record: true, observed, desired: { attributes: { pw: 'hunter2' }, sensitive: ['pw'] } },
    ]));
    expect(json).not.toContain('hunter2');
  });
});

describe('setPath', () => {
  it('creates intermediate objects and replaces a scalar in the way', () => {
    const o: { [key: string]: Json } = { a: 1 };
    setPath(o, 'a.b.c', 2);
    setPath(o, 'a.d', 3);
    expect(o).toEqual({ a: { b: { c: 2 }, d: 3 } });
  });
});
