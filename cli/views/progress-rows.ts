/** Folds engine events into one row per provider refresh and per resource, for the live (ink) view. */
import type { EngineEvent } from '../../planner/events.js';
import { WORDING, summaryText, type ApplyAction } from './event-messages.js';

export type RowState = 'running' | 'done' | 'failed' | 'skipped';

export interface ProgressRow {
  key: string;
  label: string;
  state: RowState;
  /** What is happening or happened: `creating`, `created`, `failed: port in use`. */
  status: string;
  elapsedMs?: number;
  /** Latest progress message (`waiting for health`) or the skip reason. */
  detail?: string;
  hint?: string;
}

export interface ProgressModel {
  rows: ProgressRow[];
  warnings: string[];
  summary?: { text: string; ok: boolean };
}

export function foldEvents(events: readonly EngineEvent[]): ProgressModel {
  const rows = new Map<string, ProgressRow>();
  const actions = new Map<string, ApplyAction>();
  const model: ProgressModel = { rows: [], warnings: [] };
  for (const e of events) {
    if (e.type === 'apply_start') actions.set(e.address, e.action);
    const row = rowFor(e, rows.get(keyOf(e)), actions);
    if (row) rows.set(row.key, row);
    if (e.type === 'warning') model.warnings.push(`${e.address ? `${e.address}: ` : ''}${e.message}`);
    if (e.type === 'change_summary') model.summary = { text: summaryText(e), ok: e.failed === 0 && e.skipped === 0 };
  }
  model.rows = [...rows.values()];
  return model;
}

function keyOf(e: EngineEvent): string {
  if (e.type === 'refresh_start' || e.type === 'refresh_complete') return `provider:${e.provider}`;
  return 'address' in e && e.address ? e.address : '';
}

function rowFor(e: EngineEvent, prev: ProgressRow | undefined, actions: Map<string, ApplyAction>): ProgressRow | undefined {
  const key = keyOf(e);
  switch (e.type) {
    case 'refresh_start': return { key, label: e.provider, state: 'running', status: 'refreshing' };
    case 'refresh_complete':
      return { key, label: e.provider, state: 'done', status: `refreshed ${e.objects} object${e.objects === 1 ? '' : 's'}`, elapsedMs: e.ms };
    case 'apply_start': return { key, label: e.address, state: 'running', status: WORDING[e.action].ongoing };
    case 'apply_progress': {
      const action = actions.get(e.address);
      const status = prev?.status ?? (action ? WORDING[action].ongoing : 'working');
      return { key, label: e.address, state: 'running', status, elapsedMs: e.elapsedMs, detail: e.message };
    }
    case 'apply_complete': return { key, label: e.address, state: 'done', status: WORDING[e.action].past, elapsedMs: e.ms };
    case 'apply_errored':
      return { key, label: e.address, state: 'failed', status: `failed: ${e.message}`, elapsedMs: prev?.elapsedMs, hint: e.hint };
    case 'apply_skipped': return { key, label: e.address, state: 'skipped', status: 'skipped', detail: `upstream ${e.upstream} failed` };
    default: return undefined;
  }
}
