/**
 * Where a piece of config came from: the file diagnostics name, the config root relative paths
 * resolve against, and the field path of the piece inside its file.
 */
import type { Diagnostic } from '../diagnostics.js';
import { formatPath, type PathSegment } from '../../contract/field-path.js';

export interface SourceContext {
  /** File holding this piece (omnitron.config.* or an app's config/default.json), absolute. */
  file: string;
  /** Directory of the ecosystem's config file; relative paths and bind mounts resolve against it. */
  root: string;
  prefix: PathSegment[];
  strict: boolean;
  /** Set for an app's config/default.json: the app's repository, not the operator, wrote it. */
  fromApp?: boolean;
}

export function within(ctx: SourceContext, ...segments: PathSegment[]): SourceContext {
  return { ...ctx, prefix: [...ctx.prefix, ...segments] };
}

/** `{ file, path }` for a diagnostic about `segments` under the context's prefix. */
export function at(ctx: SourceContext, ...segments: PathSegment[]): Pick<Diagnostic, 'file' | 'path'> {
  const path = formatPath([...ctx.prefix, ...segments]);
  return path ? { file: ctx.file, path } : { file: ctx.file };
}
