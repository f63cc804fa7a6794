/**
 * Env templates of custom services: `${host}`, `${port:NAME}`, `${secret:NAME}`. A name that the
 * service does not declare is an error here (real Omnitron silently substitutes an empty string).
 */
import { error, warning, type Diagnostic } from '../diagnostics.js';
import { quotedList, suggestion } from './did-you-mean.js';
import { at, type SourceContext } from './source-context.js';

const TOKEN = /\$\{([^}]*)\}/g;
const REF = /^(port|secret):(\w[\w-]*)$/;

export interface TemplateRef { kind: 'host' | 'port' | 'secret'; name?: string; token: string }

/** `${...}` tokens of one template, classified; unknown forms have kind undefined. */
export function templateTokens(template: string): Array<TemplateRef | { kind: undefined; token: string }> {
  return [...template.matchAll(TOKEN)].map(([token, inner]) => {
    if (inner === 'host') return { kind: 'host' as const, token };
    const m = REF.exec(inner);
    return m ? { kind: m[1] as 'port' | 'secret', name: m[2], token } : { kind: undefined, token };
  });
}

/** `ctx` points at the service; paths come out as `<service>.env.VAR`. */
export function checkTemplates(env: Record<string, string>, ports: Record<string, number>, secrets: Record<string, unknown>, ctx: SourceContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, template] of Object.entries(env)) {
    for (const ref of templateTokens(template)) {
      const where = at(ctx, 'env', name);
      if (ref.kind === undefined) {
        out.push(warning(`unknown template ${ref.token} is left as is`, { detail: 'templates are ${host}, ${port:NAME} and ${secret:NAME}', ...where }));
      } else if (ref.kind === 'port' && !(ref.name! in ports)) {
        out.push(error(`unknown port "${ref.name}" in ${ref.token}${suggestion(ref.name!, Object.keys(ports))}`, { detail: `this service's ports are ${quotedList(Object.keys(ports))}; fix the name or declare it under ports`, ...where }));
      } else if (ref.kind === 'secret' && !(ref.name! in secrets)) {
        out.push(error(`unknown secret "${ref.name}" in ${ref.token}${suggestion(ref.name!, Object.keys(secrets))}`, { detail: `declare it under secrets, e.g. secrets: { "${ref.name}": { "secret": "${ref.name}" } }`, ...where }));
      }
    }
  }
  return out;
}
