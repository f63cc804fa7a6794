/**
 * What the engine reports while it works. The CLI's views render these (ink, plain lines, JSON lines);
 * the engine never prints.
 */
import type { Action } from './change.js';

export type EngineEvent =
  | { type: 'refresh_start'; provider: string }
  | { type: 'refresh_complete'; provider: string; objects: number; ms: number }
  | { type: 'apply_start'; address: string; action: Exclude<Action, 'noop'> | 'record' }
  | { type: 'apply_progress'; address: string; message: string; elapsedMs: number }
  | { type: 'apply_complete'; address: string; action: Exclude<Action, 'noop'> | 'record'; ms: number }
  | { type: 'apply_errored'; address: string; action: Exclude<Action, 'noop'> | 'record'; message: string; hint?: string }
  | { type: 'apply_skipped'; address: string; upstream: string }
  | { type: 'warning'; message: string; address?: string }
  | { type: 'change_summary'; operation: 'apply' | 'destroy'; add: number; change: number; destroy: number; failed: number; skipped: number };

export type EventSink = (event: EngineEvent) => void;
