import { describe, expect, it } from 'vitest';
import { error, warning } from '../../planner/diagnostics.js';
import { diagnosticsSummary, renderDiagnostics } from './diagnostics-text.js';

const list = [
  warning('port 5432 is also published by another stack', { address: 'docker_container.postgres' }),
  error('unknown app "auht" (did you mean "auth"?)', { path: 'apps[2].dependsOn[0]', file: 'omnitron.config.ts', line: 14, detail: 'check the name' }),
  error('stack "prod" is not defined'),
];

describe('renderDiagnostics', () => {
  it('puts errors first, keeps order within a severity, and uses formatDiagnostic', () => {
    expect(renderDiagnostics(list, { color: false })).toBe([
      'Error: omnitron.config.ts:14: apps[2].dependsOn[0]: unknown app "auht" (did you mean "auth"?)',
      '  check the name',
      '',
      'Error: stack "prod" is not defined',
      '',
      'Warning: docker_container.postgres: port 5432 is also published by another stack',
      '',
    ].join('\n'));
  });

  it('colours only the severity label', () => {
    const out = renderDiagnostics([list[1]], { color: true });
    expect(out.startsWith('\x1b[1m\x1b[31mError:\x1b[0m\x1b[0m omnitron.config.ts:14')).toBe(true);
    expect(renderDiagnostics([list[0]], { color: true })).toContain('\x1b[33mWarning:');
  });

  it('renders nothing for no diagnostics', () => {
    expect(renderDiagnostics([], { color: false })).toBe('');
  });
});

describe('diagnosticsSummary', () => {
  it('counts with plurals', () => {
    expect(diagnosticsSummary(list)).toBe('2 errors and 1 warning.');
    expect(diagnosticsSummary([list[1]])).toBe('1 error.');
    expect(diagnosticsSummary([list[0], list[0]])).toBe('2 warnings.');
    expect(diagnosticsSummary([])).toBe('No errors or warnings.');
  });
});
