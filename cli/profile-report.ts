/** What OMNITRON_PROFILE=1 prints to stderr at exit: each recorded span by when it started and how long it took. */
import type { Span } from '../planner/timing.js';

const ms = (n: number) => String(Math.round(n)).padStart(7);

/** `loadedMs`: when the CLI's own modules had loaded (ms since the process started). */
export function renderProfile(spans: readonly Span[], loadedMs: number, totalMs: number): string {
  const lines = [
    'omnitron profile (ms since the process started):',
    `${ms(0)} ${ms(loadedMs)}  node start and the CLI's modules`,
    ...spans.map((s) => `${ms(s.startMs)} ${ms(s.ms)}  ${s.name}`),
    `${ms(0)} ${ms(totalMs)}  total`,
  ];
  return `${lines.join('\n')}\n`;
}
