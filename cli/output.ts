/**
 * Where output goes: results to stdout, diagnostics and warnings to stderr, colour only on a
 * terminal without NO_COLOR.
 */
import { renderDiagnostics } from './views/diagnostics-text.js';
import type { Diagnostic } from '../planner/diagnostics.js';

export interface Output {
  color: boolean;
  /** Interactive terminal on stdout (ink progress, prompts). */
  tty: boolean;
  print(text: string): void;
  warn(text: string): void;
  diagnostics(list: readonly Diagnostic[]): void;
}

export function createOutput(opts: { color?: boolean } = {}): Output {
  const tty = Boolean(process.stdout.isTTY) && !process.env.CI;
  const color = opts.color !== false && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  return {
    color,
    tty,
    print: (text) => { process.stdout.write(text.endsWith('\n') ? text : `${text}\n`); },
    warn: (text) => { process.stderr.write(`${text}\n`); },
    diagnostics: (list) => { if (list.length) process.stderr.write(`${renderDiagnostics(list, { color: color && Boolean(process.stderr.isTTY) })}\n`); },
  };
}
