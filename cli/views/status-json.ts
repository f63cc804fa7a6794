/** `omnitron status --json`: one document, every target either with the agent's status or with why it could not answer. */
import type { TargetStatus } from '../agent-access.js';

export const STATUS_FORMAT_VERSION = '1.0';

export function renderStatusJson(stack: { project: string; stack: string }, targets: readonly TargetStatus[]): string {
  const doc = {
    format_version: STATUS_FORMAT_VERSION,
    project: stack.project,
    stack: stack.stack,
    targets: targets.map((t) => ('status' in t
      ? { target: t.target, reachable: true, agent: t.status.agent, apps: t.status.apps, updated_at: t.status.updatedAt }
      : { target: t.target, reachable: false, problem: t.problem, ...(t.hint ? { hint: t.hint } : {}) })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
