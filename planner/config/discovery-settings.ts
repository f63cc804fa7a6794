/**
 * The ecosystem's `discovery` section with titan-discovery's defaults, and the timing the agents would
 * refuse (TTL below 2 × the interval) or warn about, reported here with the config's path.
 */
import { error, warning, type Diagnostic } from '../diagnostics.js';
import { DISCOVERY_WIRE_DEFAULTS } from '../../contract/discovery-defaults.js';
import { discoveryTimingIssues } from '../../contract/discovery-timing.js';
import { toMs } from './durations.js';
import type { DiscoverySpec } from './model.js';
import type { RawDiscovery } from './schema.js';

export const DISCOVERY_SETTINGS_DEFAULTS: DiscoverySpec = {
  redisPrefix: DISCOVERY_WIRE_DEFAULTS.redisPrefix,
  heartbeatInterval: DISCOVERY_WIRE_DEFAULTS.heartbeatInterval,
  heartbeatTTL: DISCOVERY_WIRE_DEFAULTS.heartbeatTTL,
};

export function discoveryOf(raw: RawDiscovery | undefined): DiscoverySpec {
  const d = DISCOVERY_SETTINGS_DEFAULTS;
  return {
    redisPrefix: raw?.redisPrefix ?? d.redisPrefix,
    heartbeatInterval: raw?.heartbeatInterval === undefined ? d.heartbeatInterval : toMs(raw.heartbeatInterval),
    heartbeatTTL: raw?.heartbeatTTL === undefined ? d.heartbeatTTL : toMs(raw.heartbeatTTL),
  };
}

/** `where` points at a field of `discovery`. */
export function checkDiscovery(spec: DiscoverySpec, where: (field: string) => Pick<Diagnostic, 'file' | 'path'>): Diagnostic[] {
  const zero = (['heartbeatInterval', 'heartbeatTTL'] as const).filter((f) => spec[f] <= 0);
  if (zero.length > 0) {
    return zero.map((f) => error(`${f} must be longer than 0`, { detail: f === 'heartbeatInterval' ? 'e.g. "5s"' : 'e.g. "15s", 3 × heartbeatInterval', ...where(f) }));
  }
  return discoveryTimingIssues(spec.heartbeatInterval, spec.heartbeatTTL)
    .map((i) => (i.severity === 'error' ? error : warning)(i.summary, { detail: i.detail, ...where('heartbeatTTL') }));
}
