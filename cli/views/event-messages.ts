/**
 * Terraform-like wording for engine events, shared by the plain and JSON-lines views:
 * `x: Creating...`, `x: Still creating... [10s elapsed]`, `x: Creation complete after 3s`.
 */
import type { EngineEvent } from '../../planner/events.js';
import { formatDuration } from './values.js';

export type ApplyAction = Extract<EngineEvent, { type: 'apply_start' }>['action'];
export type ChangeSummaryEvent = Extract<EngineEvent, { type: 'change_summary' }>;

interface Wording { start: string; ongoing: string; complete: string; past: string }

export const WORDING: Record<ApplyAction, Wording> = {
  create: { start: 'Creating', ongoing: 'creating', complete: 'Creation', past: 'created' },
  update: { start: 'Modifying', ongoing: 'modifying', complete: 'Modifications', past: 'modified' },
  replace: { start: 'Replacing', ongoing: 'replacing', complete: 'Replacement', past: 'replaced' },
  delete: { start: 'Destroying', ongoing: 'destroying', complete: 'Destruction', past: 'destroyed' },
  record: { start: 'Recording in state', ongoing: 'recording', complete: 'Recording', past: 'recorded' },
};

/** A stateful formatter: progress lines name the action their address started with. */
export function createEventFormatter(): (event: EngineEvent) => string[] {
  const actions = new Map<string, ApplyAction>();
  return (event) => {
    if (event.type === 'apply_start') actions.set(event.address, event.action);
    if (event.type === 'apply_progress') {
      const action = actions.get(event.address);
      const ongoing = action ? WORDING[action].ongoing : 'working';
      return [`${event.address}: Still ${ongoing}... [${formatDuration(event.elapsedMs)} elapsed]${event.message ? ` (${event.message})` : ''}`];
    }
    return formatStateless(event);
  };
}

function formatStateless(event: Exclude<EngineEvent, { type: 'apply_progress' }>): string[] {
  switch (event.type) {
    case 'refresh_start': return [`${event.provider}: Refreshing state...`];
    case 'refresh_complete': return [`${event.provider}: Refresh complete after ${formatDuration(event.ms)} [${plural(event.objects, 'object')}]`];
    case 'apply_start': return [`${event.address}: ${WORDING[event.action].start}...`];
    case 'apply_complete': return [`${event.address}: ${WORDING[event.action].complete} complete after ${formatDuration(event.ms)}`];
    case 'apply_errored': return [`Error: ${event.address}: ${event.message}`, ...hintLines(event.hint)];
    case 'apply_skipped': return [`${event.address}: Skipped (upstream ${event.upstream} failed)`];
    case 'warning': return [`Warning: ${event.address ? `${event.address}: ` : ''}${event.message}`];
    case 'change_summary': return [summaryText(event)];
  }
}

export function summaryText(e: ChangeSummaryEvent): string {
  const failed = e.failed > 0 || e.skipped > 0;
  const tail = `${e.failed} failed, ${e.skipped} skipped. State records everything that completed; fix the error and run ${e.operation} again.`;
  if (e.operation === 'destroy') {
    return failed ? `Destroy failed: ${e.destroy} destroyed, ${tail}` : `Destroy complete! Resources: ${e.destroy} destroyed.`;
  }
  const counts = `${e.add} added, ${e.change} changed, ${e.destroy} destroyed`;
  return failed ? `Apply failed: ${counts}, ${tail}` : `Apply complete! Resources: ${counts}.`;
}

function hintLines(hint: string | undefined): string[] {
  return hint ? hint.split('\n').map((line) => `  ${line}`) : [];
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
