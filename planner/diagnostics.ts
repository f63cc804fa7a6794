/**
 * Diagnostics are values, not exceptions: config loading and validation collect them, the CLI renders them.
 * A UserError carries diagnostics across async boundaries to the one error boundary in cli/main.ts.
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** One line, lower-case start, reads well after the path: `apps[2].dependsOn[0]: unknown app "auht"`. */
  summary: string;
  /** What to do about it. */
  detail?: string;
  /** Field path inside the file, e.g. `apps[2].dependsOn[0]` or `omnitron.infrastructure.search.ports.http`. */
  path?: string;
  /** File the path is in (absolute or relative to cwd), with an optional 1-based line. */
  file?: string;
  line?: number;
  /** Resource address, when the diagnostic is about one. */
  address?: string;
}

export class UserError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[] | Diagnostic | string) {
    const list = typeof diagnostics === 'string'
      ? [{ severity: 'error' as const, summary: diagnostics }]
      : Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map(formatDiagnostic).join('\n'));
    this.name = 'UserError';
    this.diagnostics = list;
  }
}

export function error(summary: string, extra: Omit<Diagnostic, 'severity' | 'summary'> = {}): Diagnostic {
  return { severity: 'error', summary, ...extra };
}

export function warning(summary: string, extra: Omit<Diagnostic, 'severity' | 'summary'> = {}): Diagnostic {
  return { severity: 'warning', summary, ...extra };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `file:line: path: summary` then the detail indented; the shape every CLI message uses. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.file && (d.line ? `${d.file}:${d.line}` : d.file), d.path, d.address].filter(Boolean).join(': ');
  const head = `${d.severity === 'error' ? 'Error' : 'Warning'}: ${where ? `${where}: ` : ''}${d.summary}`;
  return d.detail ? `${head}\n  ${d.detail.split('\n').join('\n  ')}` : head;
}
