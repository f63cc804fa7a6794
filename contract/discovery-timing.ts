/**
 * How heartbeatTTL must relate to heartbeatInterval, checked where the config is read (the planner) and
 * again where a client starts (runtime/discovery), so a config the agent would refuse never gets that far.
 */
export interface TimingIssue {
  severity: 'error' | 'warning';
  summary: string;
  detail: string;
}

/** Both in ms, already known to be positive. Below 2× refuses; below 3× or above 10× warns. */
export function discoveryTimingIssues(interval: number, ttl: number): TimingIssue[] {
  const below = (n: number) => `heartbeatTTL ${ttl} ms is below ${n} × heartbeatInterval (${n * interval} ms)`;
  if (ttl < 2 * interval) return [{ severity: 'error', summary: below(2), detail: 'one late heartbeat would evict a healthy node; use 3 × the interval' }];
  if (ttl < 3 * interval) return [{ severity: 'warning', summary: `${below(3)}, the recommended minimum`, detail: 'a single Redis hiccup can evict a healthy node' }];
  if (ttl > 10 * interval) {
    return [{ severity: 'warning', summary: `heartbeatTTL ${ttl} ms is above 10 × heartbeatInterval (${10 * interval} ms)`, detail: 'peers keep routing to a crashed node until the TTL runs out' }];
  }
  return [];
}
