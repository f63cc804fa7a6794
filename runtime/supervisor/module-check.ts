/**
 * Why a process that exits with code 0 before it is ready most often does: its module only exports
 * a class (a Titan `@Module`), which the Titan runtime (Omnitron's daemon) would instantiate and
 * start, while the agent runs a process module as a plain Node program. Read only after such an exit,
 * from the module's source: nothing of the app runs here.
 */
import { readFileSync } from 'node:fs';
import type { ProcessSpec } from './types.js';

const MAX_SOURCE_BYTES = 2 * 1024 * 1024;
const EXPORTS_A_CLASS = [
  /\bexport\s+default\s+(?:abstract\s+)?class\b/,
  /\bexport\s+(?:abstract\s+)?class\s+[A-Za-z_$]/,
  /@Module\s*\(/,
  /__decorate(?:Class)?\(\s*\[[^\]]*\bModule\s*\(/s,
  /\bmodule\.exports\s*=\s*class\b/,
];

/** The module a process runs: the last argument of its command line (`node FILE`, also under runuser). */
export function processModule(proc: ProcessSpec): string | undefined {
  const last = proc.argv[proc.argv.length - 1];
  return proc.argv.length > 1 && last && /\.(?:[cm]?js|[cm]?ts)$/.test(last) ? last : undefined;
}

export function exportsAClass(file: string): boolean {
  let source: string;
  try {
    source = readFileSync(file, 'utf8').slice(0, MAX_SOURCE_BYTES);
  } catch {
    return false;
  }
  return EXPORTS_A_CLASS.some((re) => re.test(source));
}

/** The start failure to report: a clear explanation in place of "exited with code 0 before ready" when the module exports a class. */
export function explainStartFailure(app: string, proc: ProcessSpec, reason: string): string {
  if (!/^exited with code 0 before ready/.test(reason)) return reason;
  const file = processModule(proc);
  if (!file || !exportsAClass(file)) return reason;
  return `${reason}: app "${app}", process "${proc.name}": ${file} exports a class (a Titan @Module), which needs the Titan runtime to start it; `
    + 'the omnitron agent runs a process module as a plain Node program. Make the module start the app itself '
    + '(e.g. end it with `const app = await Application.create(AppModule); await app.start(); process.send?.({ type: \'ready\' })`), '
    + 'or point `module` at a file that does';
}
