/**
 * `omnitron dev`'s file watching: one recursive watch per app directory, changes outside the ignores
 * (and inside `include`, when given) collected until `debounce` ms pass without another, then reported
 * once. Ignores follow the daemon's defaults plus the app's own.
 */
import { watch, type FSWatcher } from 'node:fs';
import { matchesGlob } from 'node:path';
import type { AppSpec } from '../../planner/config/model.js';

export type WatchSpec = NonNullable<AppSpec['watch']>;

/** Dependencies, build output, VCS data, test output, logs and omnitron's own files. */
export const DEFAULT_IGNORES = ['node_modules', 'dist', '.git', 'coverage', '.nyc_output', 'test-results', '.omnitron', '*.log'] as const;

/** Whether a change to `file` (relative to the watched directory) should restart the app. */
export function isWatched(file: string, spec: Pick<WatchSpec, 'include' | 'ignore'>): boolean {
  const path = file.split('\\').join('/');
  if ([...DEFAULT_IGNORES, ...(spec.ignore ?? [])].some((pattern) => matches(path, pattern))) return false;
  return !spec.include?.length || spec.include.some((pattern) => matches(path, pattern));
}

/** A bare name matches that file or directory anywhere below; a pattern with a slash matches from the top. */
function matches(path: string, pattern: string): boolean {
  const p = pattern.replace(/^\.\//, '').replace(/\/$/, '');
  if (matchesGlob(path, p) || matchesGlob(path, `${p}/**`)) return true;
  return !p.includes('/') && (matchesGlob(path, `**/${p}`) || matchesGlob(path, `**/${p}/**`));
}

export interface AppWatcher {
  close(): void;
}

/** Calls `onChange` with the changed files (relative paths) once each burst of changes has settled. */
export function watchApp(spec: WatchSpec, onChange: (files: string[]) => void, onError: (err: Error) => void): AppWatcher {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const files = [...pending].sort();
    pending.clear();
    if (files.length) onChange(files);
  };
  let watcher: FSWatcher;
  try {
    watcher = watch(spec.directory, { recursive: true }, (_event, name) => {
      if (!name || !isWatched(String(name), spec)) return;
      pending.add(String(name));
      clearTimeout(timer);
      timer = setTimeout(flush, spec.debounce);
    });
  } catch (err) {
    onError(err as Error);
    return { close: () => {} };
  }
  watcher.on('error', onError);
  return {
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
