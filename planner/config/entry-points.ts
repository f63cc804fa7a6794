/**
 * The files a stack runs: each app's bootstrap or script must exist (and be a file) before plan
 * packs or starts anything, or the agent fails on it later. Separate from loading because it reads
 * build output, which configs are often checked without (engine's loadStack runs it).
 */
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { error, type Diagnostic } from '../diagnostics.js';
import type { StackModel } from './model.js';
import { formatPath } from '../../contract/field-path.js';

export function checkEntryPoints(model: StackModel): Diagnostic[] {
  return model.apps.flatMap((app) => {
    const kind = app.bootstrap ? 'bootstrap' : 'script';
    const file = app.bootstrap ?? app.script!;
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat?.isFile()) return [];
    const shown = relative(model.root, file);
    const summary = stat ? `${kind} ${shown} is a directory, not a file` : `${kind} ${shown} does not exist`;
    return [error(summary, {
      detail: `build the app first (omnitron runs its build output as is), or fix the path; the agent starts "${app.name}" from this file`,
      file: model.file, path: formatPath(['apps', app.index, kind]),
    })];
  });
}
