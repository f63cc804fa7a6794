import { describe, expect, it } from 'vitest';
import { PLAN_FORMAT_VERSION, type Plan } from '../../planner/change.js';
import { UNKNOWN } from '../../planner/expr.js';
import { renderPlanText } from './plan-text.js';
import { change, type ChangeInit } from '../../test/support/plan-changes.js';

function plan(changes: Array<Omit<ChangeInit, 'reason'> & { reason?: string }>, extra: Partial<Plan> = {}): Plan {
  return {
    formatVersion: PLAN_FORMAT_VERSION, project: 'p', stack: 's', stackType: 'local', drift: [], runtimeDrift: [], diagnostics: [], mode: 'normal',
    binding: { stateLineage: 'l', stateSerial: 1, configDigest: 'd' },
    changes: changes.map((c) => change({ reason: '', ...c })),
    ...extra,
  };
}

const text = (p: Plan) => renderPlanText(p, { color: false });
const SUMMARY = /^Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\.$/m;

describe('renderPlanText', () => {
  it('prints a summary line that the usual CI regex parses, counting a replace as add + destroy', () => {
    const out = text(plan([
      { address: 'a.x', action: 'create' },
      { address: 'a.y', action: 'replace', forcedBy: ['image'] },
      { address: 'a.z', action: 'update' },
      { address: 'a.w', action: 'delete' },
    ]));
    expect(out.match(SUMMARY)?.slice(1)).toEqual(['2', '1', '2']);
  });

  it('lists only the symbols the plan uses, in Terraform order', () => {
    const out = text(plan([{ address: 'a.y', action: 'replace', forcedBy: [] }, { address: 'a.x', action: 'create' }]));
    expect(out.split('\n').slice(1, 4)).toEqual(['  + create', '-/+ destroy and then create replacement', '']);
  });

  it('shows the order a rolling deploy takes the nodes in, just before the summary line', () => {
    const out = text(plan([{ address: 'app_release.a1.web', action: 'update' }], { rollouts: [{ app: 'web', batches: [['a1', 'a2'], ['a3']], wait: 30_000 }, { app: 'jobs', batches: [['a1'], ['a2']], wait: 0 }] }));
    expect(out.trimEnd().split('\n').slice(-5)).toEqual([
      'Rolling deploy, in this order; each node waits for the one before to be healthy, and a node whose new release is not healthy in time goes back to the release it ran and stops the rollout:',
      '  # web: a1 and a2, then a3 (30 s between batches)',
      '  # jobs: a1, then a2',
      '',
      'Plan: 0 to add, 1 to change, 0 to destroy.',
    ]);
  });

  it('says "No changes" when there is only no-ops, with no summary line', () => {
    const out = text(plan([{ address: 'a.x', action: 'noop', reason: 'matches config' }]));
    expect(out.startsWith('No changes. Your infrastructure matches the configuration.\n')).toBe(true);
    expect(out).not.toMatch(SUMMARY);
    expect(out).not.toContain('a.x');
  });

  it('puts "No changes" first when drift was seen but nothing needs doing', () => {
    const out = text(plan([], { drift: [{ address: 'a.x', summary: 'label edited' }] }));
    expect(out.indexOf('No changes.')).toBe(0);
    expect(out).toContain('Objects have changed outside of Omnitron:\n  # a.x: label edited\n');
  });

  it('marks attributes named in forcedBy even without the per-diff flag', () => {
    const out = text(plan([{ address: 'a.x', action: 'replace', forcedBy: ['image'], diffs: [{ path: 'image', before: 'a', after: 'b' }] }]));
    expect(out).toContain('      ~ image = "a" -> "b" # forces replacement\n');
    expect(out).toContain('  # a.x must be replaced\n');
  });

  it('treats forcedBy "requested" as a requested replace', () => {
    const out = text(plan([{ address: 'a.x', action: 'replace', forcedBy: ['requested'], reason: 'requested with --replace' }]));
    expect(out).toContain('  # a.x will be replaced, as requested (requested with --replace)\n-/+ resource "a" "x" {}\n');
  });

  it('uses the singular for one hidden attribute and an empty block when there is nothing to show', () => {
    const out = text(plan([
      { address: 'a.x', action: 'update', unchanged: 1, diffs: [{ path: 'n', before: 1, after: 2 }] },
      { address: 'a.y', action: 'delete' },
    ]));
    expect(out).toContain('        # (1 unchanged attribute hidden)\n');
    expect(out).toContain('  - resource "a" "y" {}\n');
  });

  it('shows unknown and sensitive values without their content', () => {
    const out = text(plan([{ address: 'a.x', action: 'update', diffs: [
      { path: 'id', before: 'abc', after: UNKNOWN },
      { path: 'secret', before: 'old-secret', after: UNKNOWN, sensitive: true },
    ] }]));
    expect(out).toContain('      ~ id     = "abc" -> (known after apply)\n');
    expect(out).toContain('      ~ secret = (sensitive value) # changed\n');
    expect(out).not.toContain('old-secret');
  });

  it('never diffs a sensitive multi-line value', () => {
    const out = text(plan([{ address: 'a.x', action: 'update', diffs: [{ path: 'key', before: 'k1\nk2\n', after: 'k3\nk4\n', sensitive: true }] }]));
    expect(out).toContain('~ key = (sensitive value) # changed');
    expect(out).not.toMatch(/k[1-4]/);
  });

  it('names a resource whose address does not start with its type by the whole address', () => {
    expect(text(plan([{ address: 'service.api@web-1', type: 'systemd_unit', action: 'create' }])))
      .toContain('  + resource "systemd_unit" "service.api@web-1" {}');
  });

  it('uses destroy wording for destroy plans', () => {
    expect(text(plan([{ address: 'a.x', action: 'delete' }], { mode: 'destroy' })))
      .toContain('Omnitron will perform the following actions to destroy stack "s":');
    expect(text(plan([], { mode: 'destroy' }))).toMatch(/^No changes\. No objects need to be destroyed\./);
  });

  describe('colour', () => {
    const p = plan([
      { address: 'a.x', action: 'create', diffs: [{ path: 'n', after: 1 }] },
      { address: 'a.y', action: 'update', diffs: [{ path: 'n', before: 1, after: 2 }] },
      { address: 'a.z', action: 'delete', diffs: [{ path: 'n', before: 1 }] },
    ]);
    it('paints + green, ~ yellow, - red when asked', () => {
      const out = renderPlanText(p, { color: true });
      expect(out).toContain('\x1b[32m+\x1b[0m resource "a" "x"');
      expect(out).toContain('\x1b[33m~\x1b[0m n = 1 -> 2');
      expect(out).toContain('\x1b[31m-\x1b[0m n = 1');
    });
    it('has no escape codes otherwise, and only differs by them', () => {
      const plain = text(p);
      expect(plain).not.toContain('\x1b');
      expect(renderPlanText(p, { color: true }).replace(/\x1b\[\d+m/g, '')).toBe(plain);
    });
  });
});
