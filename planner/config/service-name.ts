/**
 * Names that end up in container, volume and network names (`<project>-<stack>-<service>`), in
 * resource addresses, in file names and in `app/svc` override keys must be Docker-safe, slash-free,
 * ASCII (a look-alike is named by its code point) and no longer than what they end up in.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import { foldLookAlikes, oddCharacters } from './look-alikes.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const NAME_HINT = 'use letters, digits, "_", "." and "-", starting with a letter or digit';

/** The longest name a kind's targets take, in bytes, and which target that is. */
const LIMITS: Record<string, { bytes: number; why: string }> = {
  stack: { bytes: 255, why: 'its state lives in .omnitron/<stack>, and a file name is at most 255 bytes' },
  app: { bytes: 251, why: 'its env file is <app>.env, and a file name is at most 255 bytes' },
  service: { bytes: 63, why: 'containers reach a service by its name, and a DNS label is at most 63 bytes' },
};

/** `hint` replaces the default advice (e.g. to say where a node's name comes from). */
export function checkName(kind: string, name: string, where: Pick<Diagnostic, 'file' | 'path'>, hint = NAME_HINT): Diagnostic[] {
  if (!NAME.test(name)) return [error(invalidSummary(kind, name), { detail: hint, ...where })];
  const limit = LIMITS[kind];
  const bytes = Buffer.byteLength(name);
  if (!limit || bytes <= limit.bytes) return [];
  return [error(`${kind} name ${JSON.stringify(`${name.slice(0, 20)}...`)} is ${bytes} bytes long, more than ${limit.bytes}`, { detail: `shorten it: ${limit.why}`, ...where })];
}

function invalidSummary(kind: string, name: string): string {
  const odd = oddCharacters(name);
  const folded = foldLookAlikes(name);
  const guess = folded !== name && NAME.test(folded) ? ` (did you mean ${JSON.stringify(folded)}?)` : '';
  return `invalid ${kind} name ${JSON.stringify(name)}${odd ? `: ${odd}` : ''}${guess}`;
}
