/**
 * Where output goes: results to stdout, diagnostics and warnings to stderr. Colour and the ink views
 * (live redraw, the ink prompt) only on a rich terminal; everywhere else the plain output, unchanged.
 */
import { renderDiagnostics } from './views/diagnostics-text.js';
import type { Diagnostic } from '../planner/diagnostics.js';

export interface Output {
  color: boolean;
  /** A rich terminal on stdout: ink views (plan, prompt, progress, status --watch) instead of plain text. */
  tty: boolean;
  print(text: string): void;
  warn(text: string): void;
  diagnostics(list: readonly Diagnostic[]): void;
}

/** stdout is a terminal and nothing asks for plain output: not CI, NO_COLOR or TERM=dumb. */
export function isRichTerminal(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  return isTTY && !env.CI && !env.NO_COLOR && env.TERM !== 'dumb';
}

export function createOutput(opts: { color?: boolean } = {}): Output {
  const rich = opts.color !== false && isRichTerminal(process.env, Boolean(process.stdout.isTTY));
  return {
    color: rich,
    tty: rich,
    print: (text) => { process.stdout.write(text.endsWith('\n') ? text : `${text}\n`); },
    warn: (text) => { process.stderr.write(`${text}\n`); },
    diagnostics: (list) => { if (list.length) process.stderr.write(`${renderDiagnostics(list, { color: rich && Boolean(process.stderr.isTTY) })}\n`); },
  };
}
