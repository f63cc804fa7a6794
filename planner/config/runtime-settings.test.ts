import { describe, expect, it } from 'vitest';
import { LOGGING_DEFAULTS, MONITORING_DEFAULTS, SUPERVISION_DEFAULTS, checkBackoff, loggingOf, monitoringOf, supervisionOf } from './runtime-settings.js';

describe('runtime settings', () => {
  it('default as real Omnitron does', () => {
    expect(supervisionOf(undefined)).toEqual({ strategy: 'one_for_one', maxRestarts: 5, window: 60_000, backoff: { type: 'exponential', initial: 1_000, max: 30_000, factor: 2 } });
    expect(monitoringOf(undefined)).toEqual({ healthCheck: { interval: 15_000, timeout: 5_000 }, metrics: { interval: 5_000, retention: 3_600 } });
    expect(loggingOf(undefined)).toEqual({ level: 'info', maxSize: '50mb', maxFiles: 10, compress: true });
  });

  it('merge one level deep and accept duration strings', () => {
    expect(supervisionOf({ maxRestarts: 3, backoff: { max: '1m' } })).toEqual({ ...SUPERVISION_DEFAULTS, maxRestarts: 3, backoff: { ...SUPERVISION_DEFAULTS.backoff, max: 60_000 } });
    expect(monitoringOf({ healthCheck: { interval: '30s' } })).toEqual({ ...MONITORING_DEFAULTS, healthCheck: { interval: 30_000, timeout: 5_000 } });
    expect(loggingOf({ level: 'debug' })).toEqual({ ...LOGGING_DEFAULTS, level: 'debug' });
  });
});

describe('checkBackoff', () => {
  const where = (field: string) => ({ path: `supervision.backoff.${field}` });
  it('accepts the defaults and a growing backoff', () => {
    expect(checkBackoff(SUPERVISION_DEFAULTS.backoff, undefined, where)).toEqual([]);
    expect(checkBackoff({ type: 'fixed', initial: 1000, max: 1000, factor: 0.5 }, { factor: 0.5 }, where)).toEqual([]);
  });
  it('refuses a shrinking factor and a first delay above the ceiling, naming the field to change', () => {
    expect(checkBackoff({ type: 'exponential', initial: 1000, max: 30_000, factor: 0.9 }, { factor: 0.9 }, where)[0].path).toBe('supervision.backoff.factor');
    expect(checkBackoff({ type: 'exponential', initial: 1000, max: 500, factor: 2 }, { max: 500 }, where)[0]).toMatchObject({
      path: 'supervision.backoff.max', summary: 'initial 1000 ms (the default) is longer than max 500 ms, so the delay never backs off',
    });
  });
});
