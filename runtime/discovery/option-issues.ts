/**
 * What option validation finds: errors refuse to start, warnings are logged. The same fields as the
 * planner's diagnostics (severity, summary, detail, path), so a caller that reports those can report these.
 */
export interface OptionIssue {
  severity: 'error' | 'warning';
  /** One line, reads well after the option's name: `heartbeatTTL: must be a positive number …`. */
  summary: string;
  detail?: string;
  /** The option, e.g. `heartbeatTTL`. */
  path?: string;
}

export function optionError(summary: string, extra: Pick<OptionIssue, 'detail' | 'path'> = {}): OptionIssue {
  return { severity: 'error', summary, ...extra };
}

export function optionWarning(summary: string, extra: Pick<OptionIssue, 'detail' | 'path'> = {}): OptionIssue {
  return { severity: 'warning', summary, ...extra };
}

/** Thrown by the client's constructor when an option is unusable; `issues` lists every finding. */
export class DiscoveryOptionsError extends Error {
  constructor(readonly issues: readonly OptionIssue[]) {
    super(issues.filter((i) => i.severity === 'error')
      .map((i) => `discovery option ${i.path ? `${i.path}: ` : ''}${i.summary}${i.detail ? `\n  ${i.detail}` : ''}`).join('\n'));
    this.name = 'DiscoveryOptionsError';
  }
}
