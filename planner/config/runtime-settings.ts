/**
 * `supervision`, `monitoring` and `logging` with real Omnitron's defaults, merged one level deep as
 * its defineEcosystem does (a partial `backoff` keeps the other backoff defaults).
 */
import { error, type Diagnostic } from '../diagnostics.js';
import type { LoggingSpec, MonitoringSpec, RestartPolicySpec, SupervisionSpec } from './model.js';
import { toMs } from './durations.js';
import type { RawLogging, RawMonitoring, RawSupervision } from './schema.js';

export const SUPERVISION_DEFAULTS: SupervisionSpec = {
  strategy: 'one_for_one', maxRestarts: 5, window: 60_000,
  backoff: { type: 'exponential', initial: 1_000, max: 30_000, factor: 2 },
};
export const MONITORING_DEFAULTS: MonitoringSpec = {
  healthCheck: { interval: 15_000, timeout: 5_000 },
  metrics: { interval: 5_000, retention: 3_600 },
};
export const LOGGING_DEFAULTS: LoggingSpec = { level: 'info', maxSize: '50mb', maxFiles: 10, compress: true };

const ms = (v: number | string | undefined, fallback: number) => (v === undefined ? fallback : toMs(v));

export function supervisionOf(raw: RawSupervision | undefined): SupervisionSpec {
  const d = SUPERVISION_DEFAULTS;
  const b = raw?.backoff;
  return {
    strategy: raw?.strategy ?? d.strategy,
    maxRestarts: raw?.maxRestarts ?? d.maxRestarts,
    window: ms(raw?.window, d.window),
    backoff: {
      type: b?.type ?? d.backoff.type,
      initial: ms(b?.initial, d.backoff.initial),
      max: ms(b?.max, d.backoff.max),
      factor: b?.factor ?? d.backoff.factor,
    },
  };
}

/** Restart delays that make sense: an exponential backoff grows, and it starts below its ceiling. `where` points at a field of `supervision.backoff`. */
export function checkBackoff(spec: SupervisionSpec['backoff'], raw: RawSupervision['backoff'], where: (field: string) => Pick<Diagnostic, 'file' | 'path'>): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (spec.type === 'exponential' && spec.factor < 1) {
    out.push(error(`an exponential backoff factor of ${spec.factor} shrinks the delay after every restart`, { detail: 'use a factor of at least 1 (2 doubles the delay), or type: "fixed" for a constant delay', ...where('factor') }));
  }
  if (spec.initial > spec.max) {
    const which = (field: 'initial' | 'max') => `${field} ${spec[field]} ms${raw?.[field] === undefined ? ' (the default)' : ''}`;
    out.push(error(`${which('initial')} is longer than ${which('max')}, so the delay never backs off`, { detail: 'lower initial or raise max: restarts wait initial, then longer, up to max', ...where(raw?.initial === undefined ? 'max' : 'initial') }));
  }
  return out;
}

/**
 * An app's restart policy: `supervision` with the app's `restartPolicy` laid over it field by field,
 * as the Omnitron daemon does. `enabled: false` never restarts; `delay` without `backoff` is a fixed delay.
 */
export function restartPolicyOf(supervision: SupervisionSpec, policy: RestartPolicySpec | undefined): SupervisionSpec {
  if (!policy) return supervision;
  const fixed = policy.delay !== undefined && !policy.backoff ? { type: 'fixed' as const, initial: policy.delay, max: Math.max(policy.delay, supervision.backoff.max) } : {};
  return {
    strategy: supervision.strategy,
    maxRestarts: policy.enabled === false ? 0 : policy.maxRestarts ?? supervision.maxRestarts,
    window: policy.window ?? supervision.window,
    backoff: { ...supervision.backoff, ...fixed, ...policy.backoff },
  };
}

export function monitoringOf(raw: RawMonitoring | undefined): MonitoringSpec {
  const d = MONITORING_DEFAULTS;
  return {
    healthCheck: { interval: ms(raw?.healthCheck?.interval, d.healthCheck.interval), timeout: ms(raw?.healthCheck?.timeout, d.healthCheck.timeout) },
    metrics: { interval: ms(raw?.metrics?.interval, d.metrics.interval), retention: raw?.metrics?.retention ?? d.metrics.retention },
  };
}

export function loggingOf(raw: RawLogging | undefined): LoggingSpec {
  return { ...LOGGING_DEFAULTS, ...Object.fromEntries(Object.entries(raw ?? {}).filter(([, v]) => v !== undefined)) };
}
