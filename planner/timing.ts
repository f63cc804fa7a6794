/**
 * Opt-in timings for finding where a command's time goes (OMNITRON_PROFILE=1): spans are recorded
 * on Node's performance timeline, which the CLI prints to stderr at exit. Off, nothing is recorded,
 * and the timeline (nine of Node's modules) is never loaded.
 */
export const PROFILE_ENV = 'OMNITRON_PROFILE';

export function profiling(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env[PROFILE_ENV];
  return v !== undefined && v !== '' && v !== '0';
}

/** Runs `work`, recording its span as `name` when profiling; its outcome is passed through as it is. */
export async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!profiling()) return work();
  const start = performance.now();
  try {
    return await work();
  } finally {
    performance.measure(name, { start, end: performance.now() });
  }
}

export interface Span { name: string; startMs: number; ms: number }

/** The spans recorded so far, in the order they started. */
export function recordedSpans(): Span[] {
  return performance.getEntriesByType('measure')
    .map((e) => ({ name: e.name, startMs: e.startTime, ms: e.duration }))
    .sort((a, b) => a.startMs - b.startMs);
}
