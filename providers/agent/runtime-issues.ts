/**
 * Reads an agent's status document (its status.json, or GET /v1/status) into runtime drift: the apps
 * that are not running as the configuration asks. Defensive by design: the document comes from a node,
 * possibly from an older or newer agent.
 */
import type { AgentStatusDoc } from '../../contract/agent/status.js';
import type { RuntimeIssue } from '../../planner/resource.js';

type AppDoc = NonNullable<AgentStatusDoc['apps']>[number];
type LastExit = AppDoc['lastExit'];

/** Apps crash-looping, failed, blocked, failing their health check or rolled back by the latest reload; and a failed agent. */
export function runtimeIssues(target: string, doc: AgentStatusDoc): RuntimeIssue[] {
  const issues: RuntimeIssue[] = [];
  if (doc.agent?.state === 'failed') {
    issues.push({ target, app: '(agent)', state: 'agent failed', restarts: 0, ...(doc.agent.reason ? { detail: doc.agent.reason } : {}) });
  }
  for (const app of doc.apps ?? []) {
    const state = issueState(app);
    if (!state) continue;
    const exit = describeExit(app.lastExit);
    issues.push({
      target, app: app.name ?? '?', state, restarts: app.restarts ?? 0,
      ...(exit && state !== ROLLED_BACK ? { lastExit: exit } : {}),
      ...(app.state === 'blocked' && app.blockedBy ? { detail: `waiting for ${app.blockedBy}` } : {}),
      ...(app.state === 'failed' && app.lastExit?.reason ? { detail: app.lastExit.reason } : {}),
      ...(state === ROLLED_BACK ? { detail: describeRollback(app.rolledBack!) } : {}),
    });
  }
  return issues;
}

const ROLLED_BACK = 'rolled back';

function issueState(app: AppDoc): string | undefined {
  const restarts = app.restarts ?? 0;
  if (app.rolledBack && app.state === 'running') return ROLLED_BACK;
  if (app.state === 'failed') return 'failed';
  if (app.state === 'blocked') return 'blocked';
  if (app.state === 'backoff') return 'crash-looping';
  if (app.state === 'starting' && restarts > 0) return 'crash-looping';
  if (app.state === 'running' && app.health === 'failing') return 'health check failing';
  return undefined;
}

/** `new release 1a2b… not ready: web.1: not ready within 5000 ms (last health answer: http 500); runs 9f8e… again` */
function describeRollback(r: NonNullable<AppDoc['rolledBack']>): string {
  const from = r.from ? ` ${r.from.slice(0, 12)}` : '';
  const to = r.to ? `release ${r.to.slice(0, 12)}` : 'the previous release';
  return `new release${from} not ready: ${r.reason ?? 'unknown reason'}; runs ${to} again`;
}

function describeExit(exit: LastExit | undefined): string | undefined {
  if (!exit) return undefined;
  if (exit.signal) return `signal ${exit.signal}`;
  if (typeof exit.code === 'number') return `exit code ${exit.code}`;
  return exit.reason;
}

/**
 * Apps the agent gave up on (failed, blocked by one that failed, or rolled back to the release before):
 * a reload gives them another start, so apply can act on them. A rolled-back app then takes the
 * config's release again, or, when the config went back to the release it runs, just drops the
 * note (otherwise nothing would ever reload it). Crash-looping apps are left to the agent, which is
 * still retrying.
 */
export function gaveUp(issues: readonly RuntimeIssue[] | undefined): RuntimeIssue[] {
  return (issues ?? []).filter((i) => i.state === 'failed' || i.state === 'blocked' || i.state === ROLLED_BACK);
}

/** What a plan shows for them: `ledger failed, media blocked`. */
export function describeGaveUp(issues: readonly RuntimeIssue[]): string {
  return issues.map((i) => `${i.app} ${i.state}`).join(', ');
}

