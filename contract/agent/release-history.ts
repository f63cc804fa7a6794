/**
 * `<app root>/history`, beside `current` and `releases/`: one line per switch of `current`, oldest
 * first, `<epoch seconds> <release digest> <event>`. Apply writes `deployed`, and after an agent rolled
 * a release back, `failed` for it and `rollback` for the one that runs again; `omnitron rollback`
 * writes `rollback`.
 */
export const RELEASE_HISTORY = 'history';

export type ReleaseEvent = 'deployed' | 'rollback' | 'failed';

export interface HistoryEntry { at: number; release: string; event: string }

export function historyLine(at: Date, release: string, event: ReleaseEvent): string {
  return `${Math.floor(at.getTime() / 1000)} ${release} ${event}\n`;
}

export function parseHistory(text: string): HistoryEntry[] {
  return text.split('\n').map((line) => line.trim().split(/\s+/)).filter((f) => f.length >= 3 && /^\d+$/.test(f[0]))
    .map(([at, release, event]) => ({ at: Number(at) * 1000, release: release!, event: event! }));
}
