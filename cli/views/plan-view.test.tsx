import { fileURLToPath } from 'node:url';
import { render, cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { goldensIn } from '../../test/support/goldens.js';
import { FIXTURE_SECRETS, PLAN_FIXTURES } from '../../test/fixtures/views/plans.js';
import { NODE_PLAN, NODE_PLAN_NODES, NODE_PLAN_SECRET } from '../../test/fixtures/views/node-plans.js';
import type { Plan } from '../../planner/change.js';
import { PROVIDERS } from '../compose.js';
import { groupChanges, providerLookup, type PlanGrouping } from './plan-groups.js';
import { PlanView, renderPlanView } from './plan-view.js';
import { renderPlanText } from './plan-text.js';

const expectGolden = goldensIn(fileURLToPath(new URL('../../test/goldens/plan-ink/', import.meta.url)));
const SUMMARY = /^Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\.$/m;
const strip = (s: string) => s.replace(/\x1b\[\d+m/g, '');

const grouping = (nodes: readonly string[] = []): PlanGrouping => ({ nodes, providerOf: providerLookup(PROVIDERS) });
const frame = (plan: Plan, color = false, nodes: readonly string[] = []) =>
  render(<PlanView plan={plan} groups={groupChanges(plan, grouping(nodes))} color={color} />).lastFrame() ?? '';

const FIXTURES: Array<[string, Plan, readonly string[]]> = [
  ...Object.entries(PLAN_FIXTURES).map(([name, plan]): [string, Plan, readonly string[]] => [name, plan, []]),
  ['two-nodes', NODE_PLAN, NODE_PLAN_NODES],
];

// ink renders take seconds on a loaded machine; nothing here asserts on time
const INK_TIMEOUT_MS = 60_000;

vi.setConfig({ testTimeout: INK_TIMEOUT_MS });
afterEach(cleanup);

describe.each(FIXTURES)('ink plan %s', (name, plan, nodes) => {
  it('matches the frame golden', () => {
    expectGolden(`${name}.txt`, `${frame(plan, false, nodes)}\n`);
  });

  it('keeps the plain plan\'s summary line, verbatim', () => {
    expect(frame(plan, false, nodes).match(SUMMARY)?.[0]).toBe(renderPlanText(plan, { color: false }).match(SUMMARY)?.[0]);
  });

  it('never contains a secret, with or without colour', () => {
    for (const out of [frame(plan, false, nodes), frame(plan, true, nodes)]) {
      for (const secret of [...FIXTURE_SECRETS, NODE_PLAN_SECRET]) expect(out).not.toContain(secret);
    }
  });

  it('differs in colour only by escape codes', () => {
    expect(strip(frame(plan, true, nodes))).toBe(frame(plan, false, nodes));
  });
});

describe('PlanView', () => {
  it('groups the changes by node, in config order, then by provider, then what belongs to no single node', () => {
    const lines = frame(NODE_PLAN, false, NODE_PLAN_NODES).split('\n');
    const heads = lines.filter((l) => /^\S/.test(l) && !l.startsWith('Plan:') && !l.startsWith('Omnitron') && !/^[+~-]/.test(l));
    expect(heads).toEqual(['node web-1', 'node db-1', 'stack (not on one node)']);
    const providers = lines.filter((l) => /^ {2}\S/.test(l));
    expect(providers).toEqual(['  systemd', '  systemd', '  postgres']);
  });

  it('paints the glyphs: + green, ~ yellow, - red, -/+ red and green', () => {
    const out = frame(NODE_PLAN, true, NODE_PLAN_NODES);
    // ink re-emits the painter's codes with specific resets (39 colour off, 22 bold off)
    expect(out).toContain('  \x1b[32m+\x1b[39m \x1b[1mnode_file.web-1.motd\x1b[22m');
    expect(out).toContain('  \x1b[33m~\x1b[39m \x1b[1msystemd_service.web-1.omnitron-agent\x1b[22m');
    expect(out).toContain('  \x1b[31m-\x1b[39m \x1b[1mnode_file.db-1.old-motd\x1b[22m');
    expect(out).toContain('\x1b[31m-\x1b[39m/\x1b[32m+\x1b[39m \x1b[1mapp_release.web-1.ledger\x1b[22m');
  });

  it('is what renderPlanView prints, at the width asked for', () => {
    expect(renderPlanView(NODE_PLAN, grouping(NODE_PLAN_NODES), { color: false, columns: 100 })).toBe(`${frame(NODE_PLAN, false, NODE_PLAN_NODES)}\n`);
  });
});
