import { describe, expect, it } from 'vitest';
import { renderProfile } from './profile-report.js';

describe('renderProfile', () => {
  it('lists the spans with their start and duration, after the start-up line and before the total', () => {
    const text = renderProfile([{ name: 'observe systemd', startMs: 412.4, ms: 1203.6 }, { name: 'probe node w1', startMs: 500, ms: 80.2 }], 301.7, 1900);
    expect(text).toBe([
      'omnitron profile (ms since the process started):',
      '      0     302  node start and the CLI\'s modules',
      '    412    1204  observe systemd',
      '    500      80  probe node w1',
      '      0    1900  total',
      '',
    ].join('\n'));
  });
});
