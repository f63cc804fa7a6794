/**
 * The `state` block, per ecosystem or per stack: `{ backend: 'file' }` (the default) or
 * `{ backend: 'postgres', url, schema? }`. The URL's shape is checked here, from `validate` on, and
 * every message shows it with its password masked.
 */
import { error, warning, type Diagnostic } from '../diagnostics.js';
import { schemaProblems, urlProblems, type StateConfig } from '../state/state-url.js';
import type { RawState } from './schema.js';
import { at, type SourceContext } from './source-context.js';

/** `ctx` points at the `state` block. */
export function normalizeState(raw: RawState, ctx: SourceContext): { state: StateConfig; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (raw.backend === 'postgres') {
    if (raw.url === undefined || raw.url.trim() === '') {
      diagnostics.push(error('the postgres state backend needs a url', { ...at(ctx, 'url'), detail: "e.g. url: process.env.OMNITRON_STATE_URL ?? 'postgres://omnitron@db.internal:5432/omnitron'" }));
    } else {
      for (const p of urlProblems(raw.url)) diagnostics.push(error(`the state URL ${p}`, at(ctx, 'url')));
    }
  } else if (raw.url !== undefined || raw.schema !== undefined) {
    diagnostics.push(warning('url and schema are used only by the postgres backend; ignored for the file backend', at(ctx)));
  }
  if (raw.schema !== undefined) for (const p of schemaProblems(raw.schema)) diagnostics.push(error(p, at(ctx, 'schema')));
  const state: StateConfig = { backend: raw.backend, ...(raw.url !== undefined ? { url: raw.url.trim() } : {}), ...(raw.schema !== undefined ? { schema: raw.schema } : {}) };
  return { state, diagnostics };
}
