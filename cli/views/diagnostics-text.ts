/** Diagnostics for a terminal: errors first, then warnings, each in the shared `formatDiagnostic` shape. */
import { formatDiagnostic, type Diagnostic } from '../../planner/diagnostics.js';
import { painter } from './ansi.js';

export interface DiagnosticsTextOptions { color: boolean }

export function renderDiagnostics(diagnostics: readonly Diagnostic[], opts: DiagnosticsTextOptions): string {
  if (diagnostics.length === 0) return '';
  const paint = painter(opts.color);
  const ordered = [...diagnostics.filter(isError), ...diagnostics.filter((d) => !isError(d))];
  const blocks = ordered.map((d) => {
    const text = formatDiagnostic(d);
    const label = isError(d) ? 'Error:' : 'Warning:';
    return paint('bold', paint(isError(d) ? 'red' : 'yellow', label)) + text.slice(label.length);
  });
  return `${blocks.join('\n\n')}\n`;
}

/** `2 errors and 1 warning.`; `No errors or warnings.` when empty. */
export function diagnosticsSummary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter(isError).length;
  const warnings = diagnostics.length - errors;
  const parts = [count(errors, 'error'), count(warnings, 'warning')].filter(Boolean);
  return parts.length === 0 ? 'No errors or warnings.' : `${parts.join(' and ')}.`;
}

function count(n: number, noun: string): string {
  return n === 0 ? '' : `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function isError(d: Diagnostic): boolean {
  return d.severity === 'error';
}
