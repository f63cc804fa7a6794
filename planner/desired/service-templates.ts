/**
 * Renders a service's env templates (`${host}`, `${port:NAME}`, `${secret:NAME}`) into expressions.
 * Generated secrets become refs to their random_password resource, so the value never passes
 * through the plan; whether a result is secret is tracked so env files can mask it.
 */
import { ref, template, type Expr, type Ref } from '../expr.js';
import type { ResolvedService } from '../config/model.js';
import { addr } from './addresses.js';

export interface Rendered { expr: Expr; secret: boolean }

const TOKEN = /\$\{(host|port:([\w][\w-]*)|secret:([\w][\w-]*))\}/g;

export function renderServiceTemplate(text: string, service: ResolvedService, host: string): Rendered {
  const parts: Array<string | Ref> = [];
  let secret = false;
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    parts.push(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[1] === 'host') parts.push(service.external?.host ?? host);
    else if (m[2] !== undefined) parts.push(String(service.endpointPorts[m[2]] ?? ''));
    else {
      secret = true;
      parts.push(secretPart(service, m[3]));
    }
  }
  parts.push(text.slice(last));
  const joined = mergeStrings(parts);
  if (joined.length === 1 && typeof joined[0] === 'string') return { expr: joined[0], secret };
  return { expr: template(...joined), secret };
}

function secretPart(service: ResolvedService, name: string): string | Ref {
  const external = service.external?.secrets[name];
  if (external !== undefined) return external;
  const spec = service.requirement.secrets[name];
  if (!spec) return '';
  return spec.kind === 'literal' ? spec.value : ref(addr.secret(spec.key), 'result');
}

function mergeStrings(parts: Array<string | Ref>): Array<string | Ref> {
  const out: Array<string | Ref> = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (typeof p === 'string' && typeof prev === 'string') out[out.length - 1] = prev + p;
    else if (p !== '') out.push(p);
  }
  return out.length ? out : [''];
}

/** Generated secret keys a service refers to (each becomes one random_password resource). */
export function generatedSecretKeys(service: ResolvedService): string[] {
  return Object.values(service.requirement.secrets).flatMap((s) => (s.kind === 'generated' ? [s.key] : []));
}
