/**
 * Names that end up in container, volume and network names (`<project>-<stack>-<service>`) and in
 * `app/svc` override keys must be Docker-safe and slash-free.
 */
import { error, type Diagnostic } from '../diagnostics.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function checkName(kind: string, name: string, where: Pick<Diagnostic, 'file' | 'path'>): Diagnostic[] {
  if (NAME.test(name)) return [];
  return [error(`invalid ${kind} name ${JSON.stringify(name)}`, {
    detail: 'use letters, digits, "_", "." and "-", starting with a letter or digit',
    ...where,
  })];
}
