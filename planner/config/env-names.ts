/**
 * Variable names. App env (the app's own, the stack's settings.env, what services inject) is written
 * to an env file, which takes shell-style names only (contract/env-file-format.ts); Docker takes any
 * `NAME=value` pair whose name has no "=" (Elasticsearch reads "discovery.type").
 */
import { error, type Diagnostic } from '../diagnostics.js';
import { isValidKey } from '../../contract/env-file-format.js';
import { describeValue } from '../../contract/field-path.js';
import { oddCharacters } from './look-alikes.js';
import { at, type SourceContext } from './source-context.js';

/** `ctx` points at the env record. */
export function checkEnvFileNames(env: Record<string, unknown>, ctx: SourceContext): Diagnostic[] {
  return Object.keys(env).filter((k) => !isValidKey(k)).map((k) => invalid(k, 'the app reads it from an env file: use letters, digits and "_", not starting with a digit (e.g. "SEARCH_URL")', ctx));
}

/** `ctx` points at docker.environment. */
export function checkContainerEnvNames(env: Record<string, unknown>, ctx: SourceContext): Diagnostic[] {
  return Object.keys(env).filter((k) => k === '' || /[=\x00-\x1f\x7f]/.test(k)).map((k) => invalid(k, 'Docker passes NAME=value, so a name is not empty and holds no "=" and no control characters', ctx));
}

function invalid(key: string, detail: string, ctx: SourceContext): Diagnostic {
  const odd = oddCharacters(key);
  return error(`invalid variable name ${describeValue(key)}${odd ? `: ${odd}` : ''}`, { detail, ...at(ctx, key) });
}
