/** The plan for people: grouped by node and provider with ink on a rich terminal, the plain text everywhere else. */
import type { Plan } from '../planner/change.js';
import type { Provider } from '../planner/resource.js';
import type { Output } from './output.js';
import { renderPlanText } from './views/plan-text.js';

export interface PlanPlace {
  /** The stack's node names, in config order. */
  nodes: readonly string[];
  providers: readonly Provider[];
}

export async function renderPlanForPeople(plan: Plan, place: PlanPlace, out: Output): Promise<string> {
  if (!out.tty) return renderPlanText(plan, { color: out.color });
  // ink is loaded only when it draws: `plan` in CI never pays for it.
  const [{ renderPlanView }, { providerLookup }] = await Promise.all([import('./views/plan-view.js'), import('./views/plan-groups.js')]);
  return renderPlanView(plan, { nodes: place.nodes, providerOf: providerLookup(place.providers) }, { color: out.color, columns: process.stdout.columns });
}
