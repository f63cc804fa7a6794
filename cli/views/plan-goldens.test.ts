import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { goldensIn } from '../../test/support/goldens.js';
import type { Plan } from '../../planner/change.js';
import { UNKNOWN } from '../../planner/expr.js';
import { FIXTURE_SECRETS, PLAN_FIXTURES } from '../../test/fixtures/views/plans.js';
import { renderPlanJson } from './plan-json.js';
import { renderPlanText } from './plan-text.js';

const GOLDEN_DIR = fileURLToPath(new URL('../../test/goldens/plan/', import.meta.url));
const VERSION = '0.1.0-test';

const expectGolden = goldensIn(GOLDEN_DIR);

/** A plan as a saved plan file holds it: UNKNOWN becomes the `{ "$unknown": true }` marker. */
function viaJson(plan: Plan): Plan {
  return JSON.parse(JSON.stringify(plan, (_k, v: unknown) => (v === UNKNOWN ? { $unknown: true } : v))) as Plan;
}

describe.each(Object.entries(PLAN_FIXTURES))('plan %s', (name, plan) => {
  it('matches the text golden', () => {
    expectGolden(`${name}.txt`, renderPlanText(plan, { color: false }));
  });

  it('matches the JSON golden', () => {
    expectGolden(`${name}.json`, renderPlanJson(plan, { version: VERSION }));
  });

  it('renders the same after a JSON round trip ($unknown markers)', () => {
    expect(renderPlanText(viaJson(plan), { color: false })).toBe(renderPlanText(plan, { color: false }));
    expect(renderPlanJson(viaJson(plan), { version: VERSION })).toBe(renderPlanJson(plan, { version: VERSION }));
  });

  it('never contains a fixture secret, in any mode', () => {
    const outputs = [
      renderPlanText(plan, { color: false }),
      renderPlanText(plan, { color: true }),
      renderPlanJson(plan, { version: VERSION }),
      renderPlanText(viaJson(plan), { color: true }),
    ];
    for (const out of outputs) for (const secret of FIXTURE_SECRETS) expect(out).not.toContain(secret);
  });
});

describe('fixture secrets', () => {
  it('really are in the fixtures, so the leak check means something', () => {
    const all = JSON.stringify(Object.values(PLAN_FIXTURES));
    for (const secret of FIXTURE_SECRETS) expect(all).toContain(secret);
  });
});
